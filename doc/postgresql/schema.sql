-- rsyslog-mailnorm: sendmail, Postfix and Sun MTA log events in PostgreSQL.
--
-- One row per recognised log line: typed columns for what mail queries ask for, and the
-- module's whole tree (doc/fields.md) in the jsonb column "tree" for everything else.
-- rsyslog fills it with the INSERT of doc/postgresql/rsyslog.conf; step by step in
-- doc/postgresql/README.md. Load it as the database's owner:
--   psql -d mail -f schema.sql

-- Conversions that give NULL instead of an error. mail_store below uses them: no value of
-- a log line may make its row fail.
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

-- In plpgsql, whose plan lasts the session: PostgreSQL cannot inline a LANGUAGE sql function
-- with a FROM, and planned it again for every row (44 of mail_store's ~200 µs a row).
CREATE FUNCTION mail_key_array(value jsonb) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN (SELECT array_agg(mail_key(element) ORDER BY n)
            FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(value) = 'array' THEN value END)
                 WITH ORDINALITY AS e(element, n));
END $$;

CREATE TABLE mail_event (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    line_id             uuid NOT NULL UNIQUE,  -- the module's id of the line ($.mail!id; older rows: rsyslog's
                                               -- uuid): a line sent twice is stored once
    logged_at           timestamptz NOT NULL,  -- when it happened: the Sun entry's time, a maillog line's
                                               -- RFC 3339 header time, else the syslog time
    time_invalid        boolean NOT NULL,      -- the line's own time is impossible (Feb 29 of a common
                                               -- year, Feb 31): logged_at is received_at
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

-- A line whose row could not be stored, and why: nothing of a line is lost without a row
-- here or in mail_event (README.md, "What can still be lost"). No index, no constraint a
-- value could break: every value as rsyslog sent it, as text.
CREATE TABLE mail_event_failed (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    failed_at   timestamptz NOT NULL DEFAULT now(),
    error       text NOT NULL,  -- SQLSTATE and PostgreSQL's message
    line_id     text,
    received_at text,
    host        text,
    program     text,
    message     text,
    tree        text
);

-- One log line into mail_event; rsyslog.conf's statement calls it once per line. Every
-- column is taken out of the module's tree (an absent field is NULL). Should the row fail
-- anyway (a constraint or trigger added later, a full tablespace), the line goes to
-- mail_event_failed with the error instead: ompgsql 8.2302 would drop a statement that
-- fails twice and count it nowhere. It says what it did, for mailnorm-replay (which sends
-- the outbox again): 'stored', 'already stored' (a row with this line_id exists) or
-- 'failed: ' and the error (rsyslog ignores it). A database made with the schema.sql of
-- before: DROP FUNCTION mail_store(text, text, text, text, text, text, text), then this.
CREATE FUNCTION mail_store(line_tree text, line_uuid text, reported_time text,
                           received_time text, syslog_host text, syslog_program text,
                           line_message text) RETURNS text
    LANGUAGE plpgsql AS $$
DECLARE
    t jsonb;
    line_module text; -- event.module: its object (sendmail.*, postfix.*) holds a maillog line's own header
    own_time timestamptz;
BEGIN
    t := line_tree::jsonb;
    line_module := t #>> '{event,module}';
    -- the entry's or the line's own time when it has one (an impossible one is NULL: not
    -- replaced by the time a log file was read), else the syslog header's
    own_time := CASE
        WHEN t #> '{sun_mta,time}' IS NOT NULL THEN mail_timestamptz(t #>> '{sun_mta,time}')
        WHEN t #>> ARRAY[line_module, 'timestamp'] ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T'
            THEN mail_timestamptz(t #>> ARRAY[line_module, 'timestamp'])
        ELSE mail_timestamptz(reported_time) END;
    INSERT INTO mail_event (line_id, logged_at, time_invalid, received_at, host, program,
        module, action, outcome, code, local_id, message_id, from_address, to_addresses,
        source_ip, source_domain, source_port, destination_ip, destination_domain,
        destination_port, smtp_code, smtp_status, smtp_text, error_message, channel_source,
        channel_destination, message, tree)
    VALUES (line_uuid::uuid, coalesce(own_time, received_time::timestamptz), own_time IS NULL,
        received_time::timestamptz, mail_key(coalesce(t #>> ARRAY[line_module, 'host'], syslog_host)),
        coalesce(t #>> ARRAY[line_module, 'program'], nullif(syslog_program, '')),
        line_module, mail_key(t #>> '{event,action}'), t #>> '{event,outcome}',
        t #>> '{event,code}', mail_key(t #>> '{email,local_id}'),
        mail_key(t #>> '{email,message_id}'), mail_key(t #>> '{email,from,address,0}'),
        mail_key_array(t #> '{email,to,address}'),
        mail_inet(t #>> '{source,ip}'), t #>> '{source,domain}', mail_integer(t #>> '{source,port}'),
        mail_inet(t #>> '{destination,ip}'), mail_key(t #>> '{destination,domain}'),
        mail_integer(t #>> '{destination,port}'),
        mail_integer(t #>> '{smtp,code}'), t #>> '{smtp,enhanced_status}',
        t #>> '{smtp,text}', t #>> '{error,message}',
        t #>> '{sun_mta,channel,source}', t #>> '{sun_mta,channel,destination}',
        line_message, t)
    ON CONFLICT DO NOTHING;
    RETURN CASE WHEN FOUND THEN 'stored' ELSE 'already stored' END;
EXCEPTION WHEN others THEN
    INSERT INTO mail_event_failed (error, line_id, received_at, host, program, message, tree)
    VALUES (SQLSTATE || ': ' || SQLERRM, line_uuid, received_time, syslog_host, syslog_program,
            line_message, line_tree);
    RETURN 'failed: ' || SQLSTATE || ': ' || SQLERRM;
END $$;
