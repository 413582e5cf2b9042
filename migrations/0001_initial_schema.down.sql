-- Reverts 0001_initial_schema: drops every table and type it created, children before parents.

DROP TABLE sql_corrections;
DROP TABLE error_patterns;
DROP TABLE mdl_relationships;
DROP TABLE mdl_fields;
DROP TABLE mdl_models;
DROP TABLE mdl_projects;
DROP TABLE saved_queries;
DROP TABLE chat_history;
DROP TABLE query_history;
DROP TABLE visualizations;
DROP TABLE chat_messages;
DROP TABLE chat_sessions;
DROP TABLE datasources;
DROP TABLE user_sessions;
DROP TABLE app_users;

DROP TYPE message_role;
