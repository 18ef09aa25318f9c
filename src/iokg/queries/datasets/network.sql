-- title: Retweet and reply networks
-- description: Who amplifies whom inside the set: edges from the account that retweets (kind 'retweet', retweet_userid) or replies (kind 'reply', in_reply_to_userid) to the account it retweets or answers. "Inside" means the target is an account of the dataset.
-- param: dataset: the dataset id
-- param: kind: 'retweet' or 'reply'
-- param: limit: how many accounts and pairs to list
-- query: summary
WITH members AS (SELECT userid FROM users WHERE dataset = $dataset),
e AS (
  SELECT userid AS source, CASE WHEN $kind = 'retweet' THEN retweet_userid ELSE in_reply_to_userid END AS target
  FROM tweets
  WHERE dataset = $dataset AND (CASE WHEN $kind = 'retweet' THEN is_retweet IS TRUE ELSE true END)
),
edges AS (SELECT source, target, target IN (SELECT userid FROM members) AS inside FROM e WHERE target IS NOT NULL),
pairs AS (SELECT source, target FROM edges WHERE inside AND source <> target GROUP BY ALL)
SELECT (SELECT count(*) FROM tweets WHERE dataset = $dataset) AS tweets,
       count(*) AS links,
       count(*) FILTER (WHERE inside) AS inside,
       count(*) FILTER (WHERE NOT inside) AS outside,
       count(*) FILTER (WHERE source = target) AS self,
       count(DISTINCT source) AS accounts_linking,
       count(DISTINCT source) FILTER (WHERE inside AND source <> target) AS accounts_linking_inside,
       count(DISTINCT target) FILTER (WHERE inside AND source <> target) AS accounts_reached_inside,
       (SELECT count(*) FROM pairs) AS pairs_inside,
       (SELECT count(*) FROM pairs AS a JOIN pairs AS b ON a.source = b.target AND a.target = b.source
        WHERE a.source < a.target) AS reciprocal_pairs
FROM edges
-- query: targets
WITH e AS (
  SELECT userid AS source, CASE WHEN $kind = 'retweet' THEN retweet_userid ELSE in_reply_to_userid END AS target
  FROM tweets
  WHERE dataset = $dataset AND (CASE WHEN $kind = 'retweet' THEN is_retweet IS TRUE ELSE true END)
)
SELECT e.target AS userid, u.user_screen_name AS screen_name, count(*) AS times, count(DISTINCT e.source) AS by_accounts
FROM e JOIN (SELECT userid, user_screen_name FROM users WHERE dataset = $dataset) AS u ON u.userid = e.target
WHERE e.source <> e.target
GROUP BY ALL
ORDER BY times DESC, userid
LIMIT $limit
-- query: pairs
WITH e AS (
  SELECT userid AS source, CASE WHEN $kind = 'retweet' THEN retweet_userid ELSE in_reply_to_userid END AS target
  FROM tweets
  WHERE dataset = $dataset AND (CASE WHEN $kind = 'retweet' THEN is_retweet IS TRUE ELSE true END)
),
u AS (SELECT userid, user_screen_name FROM users WHERE dataset = $dataset)
SELECT e.source, s.user_screen_name AS source_screen_name, e.target, t.user_screen_name AS target_screen_name,
       count(*) AS times
FROM e JOIN u AS s ON s.userid = e.source JOIN u AS t ON t.userid = e.target
WHERE e.source <> e.target
GROUP BY ALL
ORDER BY times DESC, e.source, e.target
LIMIT $limit
