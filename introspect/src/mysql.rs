//! MySQL / MariaDB (written next).
