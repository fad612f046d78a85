-- A discussion forum: members, groups, threads, nested posts, votes, tags, moderation.
CREATE TABLE members (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    handle VARCHAR(32) NOT NULL,
    email VARCHAR(320) NOT NULL,
    status ENUM('active', 'suspended', 'deleted') NOT NULL DEFAULT 'active',
    karma INT NOT NULL DEFAULT 0,
    joined_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    invited_by BIGINT NULL,
    UNIQUE KEY members_handle_key (handle),
    UNIQUE KEY members_email_key (email),
    CONSTRAINT members_invited_by_fk FOREIGN KEY (invited_by) REFERENCES members (id)
);

CREATE TABLE `group` (
    id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(64) NOT NULL,
    description TEXT NULL,
    is_private TINYINT(1) NOT NULL DEFAULT 0,
    UNIQUE KEY group_name_key (name)
) COMMENT = 'a place where threads live';

CREATE TABLE group_members (
    group_id INT NOT NULL,
    member_id BIGINT NOT NULL,
    is_moderator TINYINT(1) NOT NULL DEFAULT 0,
    joined_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (group_id, member_id),
    CONSTRAINT gm_group_fk FOREIGN KEY (group_id) REFERENCES `group` (id) ON DELETE CASCADE,
    CONSTRAINT gm_member_fk FOREIGN KEY (member_id) REFERENCES members (id) ON DELETE CASCADE
);

CREATE TABLE threads (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    group_id INT NOT NULL,
    author_id BIGINT NOT NULL,
    title VARCHAR(200) NOT NULL,
    pinned TINYINT(1) NOT NULL DEFAULT 0,
    locked_at DATETIME NULL,
    created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    KEY threads_group_idx (group_id, pinned, created_at),
    CONSTRAINT threads_group_fk FOREIGN KEY (group_id) REFERENCES `group` (id),
    CONSTRAINT threads_author_fk FOREIGN KEY (author_id) REFERENCES members (id)
);

CREATE TABLE posts (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    thread_id BIGINT NOT NULL,
    parent_id BIGINT NULL,
    author_id BIGINT NOT NULL,
    `bodyMarkdown` MEDIUMTEXT NOT NULL,
    edited_at DATETIME NULL,
    score INT NOT NULL DEFAULT 0,
    CONSTRAINT posts_thread_fk FOREIGN KEY (thread_id) REFERENCES threads (id) ON DELETE CASCADE,
    CONSTRAINT posts_parent_fk FOREIGN KEY (parent_id) REFERENCES posts (id) ON DELETE CASCADE,
    CONSTRAINT posts_author_fk FOREIGN KEY (author_id) REFERENCES members (id)
);

CREATE TABLE votes (
    post_id BIGINT NOT NULL,
    member_id BIGINT NOT NULL,
    value SMALLINT NOT NULL,
    PRIMARY KEY (post_id, member_id),
    CONSTRAINT votes_post_fk FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE CASCADE,
    CONSTRAINT votes_member_fk FOREIGN KEY (member_id) REFERENCES members (id) ON DELETE CASCADE,
    CONSTRAINT votes_value_check CHECK (value IN (-1, 1))
);

CREATE TABLE tags (
    id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    label VARCHAR(40) NOT NULL,
    UNIQUE KEY tags_label_key (label)
);

CREATE TABLE thread_tags (
    thread_id BIGINT NOT NULL,
    tag_id INT NOT NULL,
    PRIMARY KEY (thread_id, tag_id),
    CONSTRAINT tt_thread_fk FOREIGN KEY (thread_id) REFERENCES threads (id) ON DELETE CASCADE,
    CONSTRAINT tt_tag_fk FOREIGN KEY (tag_id) REFERENCES tags (id) ON DELETE CASCADE
);

CREATE TABLE reports (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    post_id BIGINT NOT NULL,
    reporter_id BIGINT NULL,
    reason TEXT NOT NULL,
    resolved_by BIGINT NULL,
    resolved_at DATETIME NULL,
    KEY reports_open_idx (post_id, resolved_at),
    CONSTRAINT reports_post_fk FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE CASCADE,
    CONSTRAINT reports_reporter_fk FOREIGN KEY (reporter_id) REFERENCES members (id) ON DELETE SET NULL,
    CONSTRAINT reports_resolver_fk FOREIGN KEY (resolved_by) REFERENCES members (id),
    CONSTRAINT reports_resolution_check CHECK ((resolved_by IS NULL) = (resolved_at IS NULL))
);

CREATE TABLE attachments (
    id CHAR(36) NOT NULL PRIMARY KEY,
    post_id BIGINT NOT NULL,
    file_name VARCHAR(255) NOT NULL,
    bytes LONGBLOB NOT NULL,
    size_bytes BIGINT AS (LENGTH(bytes)) VIRTUAL,
    CONSTRAINT attachments_post_fk FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE CASCADE
);

CREATE TABLE settings (
    member_id BIGINT NOT NULL PRIMARY KEY,
    prefs JSON NOT NULL,
    timezone VARCHAR(64) NOT NULL DEFAULT 'UTC',
    digest_hour SMALLINT NULL,
    CONSTRAINT settings_member_fk FOREIGN KEY (member_id) REFERENCES members (id) ON DELETE CASCADE,
    CONSTRAINT settings_digest_check CHECK (digest_hour BETWEEN 0 AND 23)
);

CREATE TABLE search_index (
    post_id BIGINT NOT NULL PRIMARY KEY,
    body TEXT NOT NULL,
    FULLTEXT KEY search_body (body)
);

CREATE VIEW hot_threads AS SELECT t.id, t.title, COUNT(p.id) AS replies FROM threads t LEFT JOIN posts p ON p.thread_id = t.id GROUP BY t.id, t.title;

CREATE TRIGGER votes_bump_score AFTER INSERT ON votes FOR EACH ROW UPDATE posts SET score = score + NEW.value WHERE id = NEW.post_id;

INSERT INTO members (handle, email) VALUES ('ann', 'ann@example.com'), ('bob', 'bob@example.com');

INSERT INTO `group` (name) VALUES ('rust');

INSERT INTO group_members (group_id, member_id, is_moderator) VALUES (1, 1, 1);

INSERT INTO threads (group_id, author_id, title) VALUES (1, 1, 'Hello');

INSERT INTO posts (thread_id, author_id, `bodyMarkdown`) VALUES (1, 1, 'first'), (1, 2, 'second');

INSERT INTO votes (post_id, member_id, value) VALUES (1, 2, 1);

INSERT INTO tags (label) VALUES ('intro');

INSERT INTO thread_tags (thread_id, tag_id) VALUES (1, 1);

INSERT INTO search_index (post_id, body) VALUES (1, 'first post');
