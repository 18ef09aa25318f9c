-- title: Account creation by month
-- description: Accounts of one dataset by the month (UTC) their account_creation_date falls in; NULL month: no date.
-- param: dataset: the dataset id
SELECT strftime(account_creation_date, '%Y-%m') AS month, count(*) AS accounts
FROM users
WHERE dataset = $dataset
GROUP BY ALL
ORDER BY month NULLS LAST
