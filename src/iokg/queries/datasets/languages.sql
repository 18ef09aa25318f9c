-- title: Languages
-- description: Tweets by tweet_language, or accounts by account_language, most frequent first; NULL: not given.
-- param: dataset: the dataset id
-- param: of: 'tweets' or 'accounts'
-- query: tweets
SELECT tweet_language AS language, count(*) AS count
FROM tweets
WHERE dataset = $dataset
GROUP BY ALL
ORDER BY count DESC, language NULLS LAST
-- query: accounts
SELECT account_language AS language, count(*) AS count
FROM users
WHERE dataset = $dataset
GROUP BY ALL
ORDER BY count DESC, language NULLS LAST
