-- A discussion forum: members, groups, threads, nested posts, votes, tags, moderation.
CREATE TABLE members (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    handle VARCHAR(32) NOT NULL,
    email VARCHAR(320) NOT NULL,
    status TEXT NOT NULL DEFAULT 'active' CONSTRAINT ck_members_status_enum CHECK (status IN ('active', 'suspended', 'deleted')),
    karma INTEGER NOT NULL DEFAULT 0,
    joined_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    invited_by INTEGER REFERENCES members (id)
);

CREATE UNIQUE INDEX members_handle_key ON members (handle);

CREATE UNIQUE INDEX members_email_active ON members (email) WHERE status <> 'deleted';

CREATE TABLE "group" (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name VARCHAR(64) NOT NULL UNIQUE,
    description TEXT,
    is_private BOOLEAN NOT NULL DEFAULT 0
);

CREATE TABLE group_members (
    group_id INTEGER NOT NULL REFERENCES "group" (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    is_moderator BOOLEAN NOT NULL DEFAULT 0,
    joined_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (group_id, member_id)
);

CREATE TABLE threads (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id INTEGER NOT NULL REFERENCES "group" (id),
    author_id INTEGER NOT NULL REFERENCES members (id),
    title VARCHAR(200) NOT NULL,
    pinned BOOLEAN NOT NULL DEFAULT 0,
    locked_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE INDEX threads_pinned_idx ON threads (group_id, created_at) WHERE pinned;

CREATE TABLE posts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    thread_id INTEGER NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    parent_id INTEGER REFERENCES posts (id) ON DELETE CASCADE,
    author_id INTEGER NOT NULL REFERENCES members (id),
    "bodyMarkdown" TEXT NOT NULL,
    edited_at TIMESTAMP,
    score INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX posts_thread_idx ON posts (thread_id);

CREATE TABLE votes (
    post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    value SMALLINT NOT NULL,
    PRIMARY KEY (post_id, member_id),
    CONSTRAINT votes_value_check CHECK (value IN (-1, 1))
);

CREATE TABLE tags (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    label VARCHAR(40) NOT NULL,
    CONSTRAINT tags_label_key UNIQUE (label)
);

CREATE TABLE thread_tags (
    thread_id INTEGER NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    tag_id INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (thread_id, tag_id)
);

CREATE TABLE reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    reporter_id INTEGER REFERENCES members (id) ON DELETE SET NULL,
    reason TEXT NOT NULL,
    resolved_by INTEGER REFERENCES members (id),
    resolved_at TIMESTAMP,
    CONSTRAINT reports_resolution_check CHECK ((resolved_by IS NULL) = (resolved_at IS NULL))
);

CREATE INDEX reports_open_idx ON reports (post_id) WHERE resolved_at IS NULL;

CREATE TABLE attachments (
    id UUID NOT NULL PRIMARY KEY,
    post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    file_name VARCHAR(255) NOT NULL,
    bytes BLOB NOT NULL,
    size_bytes INTEGER GENERATED ALWAYS AS (length(bytes)) VIRTUAL
);

CREATE TABLE settings (
    member_id INTEGER NOT NULL PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    prefs JSON NOT NULL DEFAULT '{}',
    timezone VARCHAR(64) NOT NULL DEFAULT 'UTC',
    digest_hour SMALLINT CHECK (digest_hour BETWEEN 0 AND 23)
);

CREATE VIEW hot_threads AS SELECT t.id, t.title, count(p.id) AS replies FROM threads t LEFT JOIN posts p ON p.thread_id = t.id GROUP BY t.id, t.title;

CREATE TRIGGER votes_bump_score AFTER INSERT ON votes BEGIN UPDATE posts SET score = score + NEW.value WHERE id = NEW.post_id; END;

INSERT INTO members (handle, email) VALUES ('ann', 'ann@example.com'), ('bob', 'bob@example.com');

INSERT INTO "group" (name) VALUES ('rust');

INSERT INTO group_members (group_id, member_id, is_moderator) VALUES (1, 1, 1);

INSERT INTO threads (group_id, author_id, title) VALUES (1, 1, 'Hello');

INSERT INTO posts (thread_id, author_id, "bodyMarkdown") VALUES (1, 1, 'first'), (1, 2, 'second');

INSERT INTO votes (post_id, member_id, value) VALUES (1, 2, 1);

INSERT INTO tags (label) VALUES ('intro');

INSERT INTO thread_tags (thread_id, tag_id) VALUES (1, 1);
