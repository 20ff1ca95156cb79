package io.catalogingest.common.items;

/** A rule an item breaks, with a stable code. */
public record Violation(String code, String message) {}
