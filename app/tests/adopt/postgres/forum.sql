-- A discussion forum: members, groups, threads, nested posts, votes, tags, moderation.
CREATE TYPE member_status AS ENUM ('active', 'suspended', 'deleted');

CREATE TABLE members (
    id bigserial PRIMARY KEY,
    handle varchar(32) NOT NULL,
    email varchar(320) NOT NULL,
    status member_status NOT NULL DEFAULT 'active',
    karma integer NOT NULL DEFAULT 0,
    joined_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    invited_by bigint REFERENCES members (id)
);

CREATE UNIQUE INDEX members_handle_lower ON members (handle);

CREATE UNIQUE INDEX members_email_active ON members (email) WHERE status <> 'deleted';

CREATE TABLE "group" (
    id serial PRIMARY KEY,
    name varchar(64) NOT NULL UNIQUE,
    description text,
    is_private boolean NOT NULL DEFAULT false
);

COMMENT ON TABLE "group" IS 'a place where threads live';

CREATE TABLE group_members (
    group_id integer NOT NULL REFERENCES "group" (id) ON DELETE CASCADE,
    member_id bigint NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    is_moderator boolean NOT NULL DEFAULT false,
    joined_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (group_id, member_id)
);

CREATE TABLE threads (
    id bigserial PRIMARY KEY,
    group_id integer NOT NULL REFERENCES "group" (id),
    author_id bigint NOT NULL REFERENCES members (id),
    title varchar(200) NOT NULL,
    pinned boolean NOT NULL DEFAULT false,
    locked_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX threads_pinned_idx ON threads (group_id, created_at) WHERE pinned;

CREATE TABLE posts (
    id bigserial PRIMARY KEY,
    thread_id bigint NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    parent_id bigint REFERENCES posts (id) ON DELETE CASCADE,
    author_id bigint NOT NULL REFERENCES members (id),
    "bodyMarkdown" text NOT NULL,
    edited_at timestamp,
    score integer NOT NULL DEFAULT 0
);

CREATE INDEX posts_thread_idx ON posts (thread_id);

CREATE TABLE votes (
    post_id bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    member_id bigint NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    value smallint NOT NULL,
    PRIMARY KEY (post_id, member_id),
    CONSTRAINT votes_value_check CHECK (value IN (-1, 1))
);

CREATE TABLE tags (
    id serial PRIMARY KEY,
    label varchar(40) NOT NULL,
    CONSTRAINT tags_label_key UNIQUE (label)
);

CREATE TABLE thread_tags (
    thread_id bigint NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    tag_id integer NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (thread_id, tag_id)
);

CREATE TABLE reports (
    id bigserial PRIMARY KEY,
    post_id bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    reporter_id bigint REFERENCES members (id) ON DELETE SET NULL,
    reason text NOT NULL,
    resolved_by bigint REFERENCES members (id),
    resolved_at timestamptz,
    CONSTRAINT reports_resolution_check CHECK ((resolved_by IS NULL) = (resolved_at IS NULL))
);

CREATE INDEX reports_open_idx ON reports (post_id) WHERE resolved_at IS NULL;

CREATE TABLE attachments (
    id uuid PRIMARY KEY,
    post_id bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    file_name varchar(255) NOT NULL,
    bytes bytea NOT NULL,
    size_bytes bigint GENERATED ALWAYS AS (octet_length(bytes)) STORED
);

CREATE TABLE settings (
    member_id bigint PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    prefs jsonb NOT NULL DEFAULT '{}'::jsonb,
    timezone varchar(64) NOT NULL DEFAULT 'UTC',
    digest_hour smallint CHECK (digest_hour BETWEEN 0 AND 23)
);

CREATE VIEW hot_threads AS SELECT t.id, t.title, count(p.id) AS replies FROM threads t LEFT JOIN posts p ON p.thread_id = t.id GROUP BY t.id, t.title;

CREATE FUNCTION bump_score() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE posts SET score = score + NEW.value WHERE id = NEW.post_id; RETURN NEW; END $$;

CREATE TRIGGER votes_bump_score AFTER INSERT ON votes FOR EACH ROW EXECUTE FUNCTION bump_score();

INSERT INTO members (handle, email) VALUES ('ann', 'ann@example.com'), ('bob', 'bob@example.com');

INSERT INTO "group" (name) VALUES ('rust');

INSERT INTO group_members (group_id, member_id, is_moderator) VALUES (1, 1, true);

INSERT INTO threads (group_id, author_id, title) VALUES (1, 1, 'Hello');

INSERT INTO posts (thread_id, author_id, "bodyMarkdown") VALUES (1, 1, 'first'), (1, 2, 'second');

INSERT INTO votes (post_id, member_id, value) VALUES (1, 2, 1);

INSERT INTO tags (label) VALUES ('intro');

INSERT INTO thread_tags (thread_id, tag_id) VALUES (1, 1);
