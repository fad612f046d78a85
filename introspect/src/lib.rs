//! retort: reads a live database into the neutral schema model
