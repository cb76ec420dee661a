//! qaportal compiles a knowledge base of markdown answers into a static help site.
