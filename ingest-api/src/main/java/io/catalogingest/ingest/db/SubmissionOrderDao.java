package io.catalogingest.ingest.db;

import org.jdbi.v3.sqlobject.statement.SqlQuery;

/** The sequence that orders accepted uploads (migration V7). */
public interface SubmissionOrderDao {
    @SqlQuery("SELECT nextval('submission_order')")
    long next();
}
