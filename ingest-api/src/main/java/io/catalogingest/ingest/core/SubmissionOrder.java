package io.catalogingest.ingest.core;

import io.catalogingest.ingest.db.SubmissionOrderDao;
import org.jdbi.v3.core.JdbiException;

/**
 * Numbers accepted uploads as they are committed, the same counter for every ingest instance, so
 * that the later accepted submission of a SKU wins without any pod's clock deciding.
 */
@FunctionalInterface
public interface SubmissionOrder {
    long next() throws IntakeUnavailableException;

    /** From the database sequence {@code submission_order}. */
    static SubmissionOrder of(SubmissionOrderDao dao) {
        return () -> {
            try {
                return dao.next();
            } catch (JdbiException e) {
                throw new IntakeUnavailableException("DATABASE_UNAVAILABLE", "the database did not answer", e);
            }
        };
    }
}
