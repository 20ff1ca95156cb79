package io.catalogingest.ingest.core;

/** A rule an item breaks, with a stable code. */
public record Violation(String code, String message) {}
