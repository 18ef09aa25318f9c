-- title: Top hashtags, URLs and mentions
-- description: The values of one list column (hashtags, urls or user_mentions) by the number of tweets using each, with the accounts that used it; values exactly as released (case and all). For mentions, whether the account mentioned is in the dataset, and its screen name where it is not hashed.
-- param: dataset: the dataset id
-- param: limit: how many values
-- query: hashtags
SELECT item AS hashtag, count(DISTINCT tweetid) AS tweets, count(DISTINCT userid) AS accounts
FROM (SELECT tweetid, userid, unnest(hashtags) AS item FROM tweets WHERE dataset = $dataset)
GROUP BY ALL
ORDER BY tweets DESC, hashtag
LIMIT $limit
-- query: urls
SELECT item AS url, count(DISTINCT tweetid) AS tweets, count(DISTINCT userid) AS accounts
FROM (SELECT tweetid, userid, unnest(urls) AS item FROM tweets WHERE dataset = $dataset)
GROUP BY ALL
ORDER BY tweets DESC, url
LIMIT $limit
-- query: mentions
WITH m AS (
  SELECT item AS userid, count(DISTINCT tweetid) AS tweets, count(DISTINCT t.userid) AS accounts
  FROM (SELECT tweetid, userid, unnest(user_mentions) AS item FROM tweets WHERE dataset = $dataset) AS t
  GROUP BY ALL
)
SELECT m.userid, u.user_screen_name AS screen_name, u.userid IS NOT NULL AS in_dataset, m.tweets, m.accounts
FROM m LEFT JOIN (SELECT userid, user_screen_name FROM users WHERE dataset = $dataset) AS u USING (userid)
ORDER BY m.tweets DESC, m.userid
LIMIT $limit
