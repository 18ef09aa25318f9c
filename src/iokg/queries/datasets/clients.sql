-- title: Clients
-- description: Tweets by tweet_client_name (the app that posted them), with the accounts that used each, most tweets first.
-- param: dataset: the dataset id
-- param: limit: how many clients
SELECT tweet_client_name AS client, count(*) AS tweets, count(DISTINCT userid) AS accounts,
       sum(count(*)) OVER () AS total
FROM tweets
WHERE dataset = $dataset
GROUP BY ALL
ORDER BY tweets DESC, client NULLS LAST
LIMIT $limit
