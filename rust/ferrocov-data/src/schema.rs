//! coverage.py's data file schema, version 7, table for table.
//!
//! The text is ours but the tables, columns and constraints are the file
//! format: coverage.py reads our files and we read its files.

pub const SCHEMA_VERSION: i64 = 7;

pub const SCHEMA: &str = "\
CREATE TABLE coverage_schema (
    -- The one row holds the schema version of this file.
    version integer
);

CREATE TABLE meta (
    -- Key/value metadata: has_arcs, version, when, sys_argv, hash.
    key text,
    value text,
    unique (key)
);

CREATE TABLE file (
    -- One row per measured file.
    id integer primary key,
    path text,
    unique (path)
);

CREATE TABLE context (
    -- One row per context name.
    id integer primary key,
    context text,
    unique (context)
);

CREATE TABLE line_bits (
    -- Line data: the executed lines of a file in a context, as numbits.
    file_id integer,
    context_id integer,
    numbits blob,
    foreign key (file_id) references file (id),
    foreign key (context_id) references context (id),
    unique (file_id, context_id)
);

CREATE TABLE arc (
    -- Branch data: one row per (from, to) transition of a file in a context.
    file_id integer,
    context_id integer,
    fromno integer,
    tono integer,
    foreign key (file_id) references file (id),
    foreign key (context_id) references context (id),
    unique (file_id, context_id, fromno, tono)
);

CREATE TABLE tracer (
    -- The plugin file tracer that measured a file, when it was not Python's.
    file_id integer primary key,
    tracer text,
    foreign key (file_id) references file (id)
);
";

/// The version of coverage.py whose format we write, stored in `meta.version`.
pub const COVERAGE_VERSION: &str = "7.17.3";
