# Storage: the shipped Elasticsearch and PostgreSQL configurations, run as they are
# (doc/elasticsearch/, doc/postgresql/), and the ECS check of the field names.
TESTS += tests/storage/elasticsearch.sh tests/storage/ecs.sh
EXTRA_DIST += \
	tests/storage/common.sh \
	tests/storage/es_receiver.py \
	tests/storage/storage_check.py \
	doc/elasticsearch/README.md \
	doc/elasticsearch/rsyslog.conf \
	doc/elasticsearch/index-template.json
