# Storage: the shipped Elasticsearch and PostgreSQL configurations, run as they are
# (doc/elasticsearch/, doc/postgresql/), and the ECS check of the field names.
TESTS += tests/storage/elasticsearch.sh tests/storage/ecs.sh tests/storage/postgresql.sh \
	tests/storage/postgresql-hostile.sh tests/storage/elasticsearch-hostile.sh \
	tests/storage/elasticsearch-shutdown.sh tests/storage/postgresql-shutdown.sh
EXTRA_DIST += \
	tests/storage/common.sh \
	tests/storage/es_receiver.py \
	tests/storage/es_setup.sh \
	tests/storage/hostile.py \
	tests/storage/hostile_outbox.py \
	tests/storage/pg_server.sh \
	tests/storage/pg_rate.sh \
	tests/storage/es_rate.sh \
	tests/storage/outbox_rate.sh \
	tests/storage/pg_scenario.py \
	tests/storage/storage_check.py \
	doc/elasticsearch/README.md \
	doc/elasticsearch/rsyslog.conf \
	doc/elasticsearch/index-template.json \
	doc/postgresql/README.md \
	doc/postgresql/rsyslog.conf \
	doc/postgresql/schema.sql \
	doc/postgresql/queries.sql \
	doc/scaling.md
