-- rsyslog-mailnorm: sendmail, Postfix and Sun MTA log events in PostgreSQL.
--
-- One row per recognised log line: typed columns for what mail queries ask for, and the
-- module's whole tree (doc/fields.md) in the jsonb column "tree" for everything else.
-- rsyslog fills it with the INSERT of doc/postgresql/rsyslog.conf; step by step in
-- doc/postgresql/README.md. Load it as the database's owner:
--   psql -d mail -f schema.sql

-- Conversions that give NULL instead of an error. The INSERT of rsyslog.conf uses them:
-- a statement that fails loses its line (README.md, "What can still be lost"), so no value
-- of a log line may make it fail.
CREATE FUNCTION mail_timestamptz(value text) RETURNS timestamptz
    LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN value::timestamptz;
EXCEPTION WHEN others THEN
    RETURN NULL;
END $$;

CREATE FUNCTION mail_inet(value text) RETURNS inet
    LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN value::inet;
EXCEPTION WHEN others THEN
    RETURN NULL;
END $$;

CREATE FUNCTION mail_integer(value text) RETURNS integer
    LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN value::integer;
EXCEPTION WHEN others THEN
    RETURN NULL;
END $$;

-- The elements of a JSON array of strings, NULL when there is none.
CREATE FUNCTION mail_text_array(value jsonb) RETURNS text[]
    LANGUAGE sql IMMUTABLE AS $$
    SELECT array_agg(element ORDER BY n)
    FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(value) = 'array' THEN value END)
         WITH ORDINALITY AS e(element, n)
$$;

-- The value of an indexed column: its first 255 characters. A btree index entry may not
-- exceed about 2700 bytes, and a Message-ID, an address or a host name of that length is
-- the sender's choice; the tree keeps the whole value.
CREATE FUNCTION mail_key(value text) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$ SELECT left(value, 255) $$;

CREATE FUNCTION mail_key_array(value jsonb) RETURNS text[]
    LANGUAGE sql IMMUTABLE AS $$
    SELECT array_agg(mail_key(element) ORDER BY n)
    FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(value) = 'array' THEN value END)
         WITH ORDINALITY AS e(element, n)
$$;

CREATE TABLE mail_event (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    line_id             uuid NOT NULL UNIQUE,  -- rsyslog's id of the line: a line sent twice is stored once
    logged_at           timestamptz NOT NULL,  -- when it happened: the Sun entry's time, a maillog line's
                                               -- RFC 3339 header time, else the syslog time
    received_at         timestamptz NOT NULL,  -- when rsyslog received the line
    host                text NOT NULL,         -- the MTA host (indexed columns: the first 255 characters)
    program             text,                  -- syslog program (sendmail, sm-mta, postfix/smtpd, imta ...)
    module              text NOT NULL,         -- event.module: sendmail, postfix or sun_mta
    action              text NOT NULL,         -- event.action: queued, delivered, deferred, bounced, rejected ...
    outcome             text,                  -- event.outcome: success, failure, unknown
    code                text,                  -- event.code: the Sun entry code (E, DSA, Q ...)
    local_id            text,                  -- email.local_id: the sendmail or Postfix queue id
    message_id          text,                  -- email.message_id, without < >
    from_address        text,                  -- email.from.address; '' is the null sender (bounces)
    to_addresses        text[],                -- email.to.address
    source_ip           inet,                  -- the client end of the SMTP hop
    source_domain       text,
    source_port         integer,
    destination_ip      inet,                  -- the server end: the relay a message went to
    destination_domain  text,
    destination_port    integer,
    smtp_code           integer,               -- smtp.code: 250, 451, 550 ...
    smtp_status         text,                  -- smtp.enhanced_status: 2.0.0, 5.7.1 ...
    smtp_text           text,                  -- smtp.text: the reply text
    error_message       text,                  -- error.message: a failure that is not an SMTP reply
    channel_source      text,                  -- sun_mta.channel.source
    channel_destination text,                  -- sun_mta.channel.destination
    message             text,                  -- the log line (without the syslog header rsyslog took off)
    tree                jsonb NOT NULL         -- the module's whole tree: every field of doc/fields.md
);

-- Time ranges ("the last hour", "yesterday").
CREATE INDEX mail_event_logged_at ON mail_event (logged_at);
-- One kind of event over time (deferrals, rejects, deliveries).
CREATE INDEX mail_event_action ON mail_event (action, logged_at);
-- All events of one message: by Message-ID across hosts and formats, by queue id per host.
CREATE INDEX mail_event_message_id ON mail_event (message_id) WHERE message_id IS NOT NULL;
CREATE INDEX mail_event_local_id ON mail_event (host, local_id) WHERE local_id IS NOT NULL;
-- A message per MTA host: its queue id, or its Message-ID where there is none (Sun MTA).
CREATE INDEX mail_event_message ON mail_event (host, (coalesce(local_id, message_id)));
-- Who sent / who got it.
CREATE INDEX mail_event_from ON mail_event (from_address);
CREATE INDEX mail_event_to ON mail_event USING gin (to_addresses);
-- Clients and relays.
CREATE INDEX mail_event_source_ip ON mail_event (source_ip);
CREATE INDEX mail_event_destination ON mail_event (destination_domain);
-- Any other field of the tree: WHERE tree @> '{"sendmail": {"mailer": "esmtp"}}',
-- WHERE tree @> '{"postfix": {"process": "postscreen"}}'.
CREATE INDEX mail_event_tree ON mail_event USING gin (tree jsonb_path_ops);
