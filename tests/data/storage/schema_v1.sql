-- A job database as ComfyVideo wrote it at schema version 1 (frozen: never edit; it is what
-- users' files look like). Used by tst_migrations to prove the upgrade to later versions.
CREATE TABLE batches ( id INTEGER PRIMARY KEY, label TEXT NOT NULL DEFAULT '', created_at INTEGER NOT NULL);
CREATE TABLE jobs ( id INTEGER PRIMARY KEY, state TEXT NOT NULL, request TEXT NOT NULL, kind TEXT NOT NULL, prompt TEXT NOT NULL DEFAULT '', priority INTEGER NOT NULL DEFAULT 0, position REAL NOT NULL DEFAULT 0, batch_id INTEGER REFERENCES batches(id), batch_index INTEGER NOT NULL DEFAULT 0, chain TEXT NOT NULL DEFAULT '[]', excluded_backends TEXT NOT NULL DEFAULT '[]', backend TEXT NOT NULL DEFAULT '', remote_id TEXT NOT NULL DEFAULT '', attempts INTEGER NOT NULL DEFAULT 0, backend_attempts INTEGER NOT NULL DEFAULT 0, max_attempts INTEGER NOT NULL DEFAULT 2, output_path TEXT NOT NULL DEFAULT '', error TEXT, cancel_requested INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, submitted_at INTEGER, finished_at INTEGER, not_before INTEGER);
CREATE TABLE job_events ( id INTEGER PRIMARY KEY, job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE, at INTEGER NOT NULL, type TEXT NOT NULL, state TEXT NOT NULL, message TEXT NOT NULL DEFAULT '', data TEXT NOT NULL DEFAULT '{}');
CREATE INDEX job_events_by_job ON job_events(job_id, id);
CREATE INDEX jobs_by_state ON jobs(state);
INSERT INTO batches (id, label, created_at) VALUES (1, 'seed sweep', 1700000000000);
INSERT INTO jobs (id, state, request, kind, prompt, priority, position, batch_id, batch_index, chain, backend, remote_id, attempts, backend_attempts, output_path, created_at, updated_at, submitted_at, finished_at) VALUES (1, 'completed', '{"version":1,"kind":"animatediff","prompt":"an old fox","negativePrompt":"grainy film","seed":"18446744073709551615","frames":24}', 'animatediff', 'an old fox', 0, 1, 1, 0, '["local"]', 'local', 'abc-123', 1, 1, '/videos/fox.mp4', 1700000000100, 1700000060100, 1700000001000, 1700000031000);
INSERT INTO jobs (id, state, request, kind, prompt, priority, position, cancel_requested, created_at, updated_at) VALUES (2, 'queued', '{"version":1,"kind":"svd","referenceImage":"/pics/start.png"}', 'svd', '', 1, 2, 1, 1700000000200, 1700000000200);
INSERT INTO job_events (job_id, at, type, state, message) VALUES (1, 1700000000100, 'created', 'queued', 'Job created');
INSERT INTO job_events (job_id, at, type, state, message, data) VALUES (1, 1700000031000, 'state', 'completed', 'Done', '{"seconds":30}');
INSERT INTO job_events (job_id, at, type, state, message) VALUES (2, 1700000000200, 'created', 'queued', 'Job created');
PRAGMA user_version = 1;
