-- Questions about the mail traffic, answered from mail_event (schema.sql).
-- Copy the one you need into psql, or run them all:
--   psql -d mail -v message_id=m1@example.org -f queries.sql
-- (message_id: the Message-ID events_of_message looks for). tests/storage/postgresql.sh
-- runs each section and checks the answers.
-- A message is identified per MTA host by its queue id (sendmail, Postfix) or, where
-- there is none (the Sun MTA), by its Message-ID.

-- name: deliveries_per_relay
-- Deliveries per next hop (the relay a message was handed to), with the recipients they
-- carried. Local deliveries have no relay.
SELECT coalesce(destination_domain, host(destination_ip)) AS relay,
       count(*) AS deliveries,
       sum(coalesce(cardinality(to_addresses), 0)) AS recipients
FROM mail_event
WHERE action = 'delivered'
GROUP BY 1
ORDER BY deliveries DESC, relay;

-- name: deferred_older_than_an_hour
-- Messages deferred for more than an hour: first deferral over an hour ago and no
-- delivery or bounce since the last one.
WITH deferral AS (
    SELECT host,
           coalesce(local_id, message_id) AS message,
           min(logged_at) AS first_deferred,
           max(logged_at) AS last_deferred,
           count(*) AS deferrals
    FROM mail_event
    WHERE action = 'deferred'
    GROUP BY host, coalesce(local_id, message_id))
SELECT d.*
FROM deferral AS d
WHERE d.first_deferred < now() - interval '1 hour'
  AND NOT EXISTS (
      SELECT 1 FROM mail_event AS f
      WHERE f.host = d.host
        AND coalesce(f.local_id, f.message_id) = d.message
        AND f.action IN ('delivered', 'bounced')
        AND f.logged_at >= d.last_deferred)
ORDER BY first_deferred, host;

-- name: events_of_message
-- Everything that happened to one message, on every host and in every log format
-- (psql -v message_id=...). sendmail's to= lines and Postfix's delivery lines carry the
-- Message-ID through correlation (correlate="on").
SELECT logged_at, host, module, action, local_id, from_address, to_addresses
FROM mail_event
WHERE message_id = :'message_id'
ORDER BY logged_at, id;

-- name: rejected_clients
-- Clients whose commands were refused (relaying denied, unknown sender domain ...), by
-- address, with when it happened first and last and which MTAs refused them.
SELECT source_ip,
       count(*) AS rejections,
       min(logged_at) AS first,
       max(logged_at) AS last,
       array_agg(DISTINCT module ORDER BY module) AS refused_by
FROM mail_event
WHERE action = 'rejected' AND source_ip IS NOT NULL
GROUP BY source_ip
ORDER BY rejections DESC, source_ip;
