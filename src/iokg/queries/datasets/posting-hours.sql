-- title: Posting hours
-- description: Tweets of one dataset by ISO weekday (Monday = 1) and hour of the day in a time zone.
-- param: dataset: the dataset id
-- param: tz: an IANA time zone name (tweet_time is stored in UTC)
SELECT isodow(timezone($tz, tweet_time)) AS weekday,
       hour(timezone($tz, tweet_time)) AS hour,
       count(*) AS tweets
FROM tweets
WHERE dataset = $dataset
GROUP BY ALL
ORDER BY ALL
