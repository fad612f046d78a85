//! retort: the command-line application, as a library
