package io.catalogingest.ops;

/** What pipelinectl's exit code means; scripts and runbooks rely on these. */
final class ExitCodes {
    static final int OK = 0;
    /** The work finished but some items or records failed (listed in the output). */
    static final int ITEMS_FAILED = 1;
    /** Wrong flags or arguments (picocli's own code). */
    static final int USAGE = 2;
    /** Refused: an upload answered 4xx, records over the replay limit, or topics that drift from their spec. */
    static final int REFUSED = 3;
    /** A service or cluster could not be reached, answered 5xx, or did not finish in time. */
    static final int UNAVAILABLE = 4;

    private ExitCodes() {}
}
