//! retort: runs migrations: connection, lock, version table, transactions, offline SQL
