package io.catalogingest.workers.kafka;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.function.Predicate;

import io.catalogingest.schemas.serde.SchemaRegistryClient;
import io.catalogingest.workers.split.UploadSplitter;
import org.apache.kafka.common.errors.RetriableException;
import org.jdbi.v3.core.ConnectionException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Tells a dependency's fault from the work's own. Only a fault recognised here (the database,
 * the object store, the schema registry or Kafka unreachable, timing out or overloaded) is waited
 * out with the same work taken again, no attempt spent; anything else is the record's, and spends
 * one, so that no record can hold its partition for ever.
 */
public final class DependencyFaults {
    private DependencyFaults() {}

    public static boolean isDependencyFault(Throwable failure) {
        return anyCause(failure, DependencyFaults::recognised);
    }

    /** True if a lock wait past {@code lock_timeout} caused the failure. */
    public static boolean isLockTimeout(Throwable failure) {
        return anyCause(failure, t -> t instanceof SQLException sql && LOCK_NOT_AVAILABLE.equals(sql.getSQLState()));
    }

    /** The failure or any of its causes, however deep it is wrapped. */
    private static boolean anyCause(Throwable failure, Predicate<Throwable> test) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            if (test.test(t)) {
                return true;
            }
        }
        return false;
    }

    private static boolean recognised(Throwable t) {
        return t instanceof SchemaRegistryClient.UnavailableException
                || t instanceof UploadSplitter.SourceException
                || t instanceof ConnectionException
                || t instanceof SQLTransientException
                || t instanceof SQLNonTransientConnectionException
                || t instanceof SQLRecoverableException
                || t instanceof SQLException sql && unavailable(sql.getSQLState())
                || t instanceof AssertionError && thrownBy(t, "org.postgresql.")
                || t instanceof SdkClientException
                || t instanceof AwsServiceException aws && (aws.statusCode() >= 500 || aws.statusCode() == 429
                        || aws.awsErrorDetails() != null && "RequestTimeout".equals(aws.awsErrorDetails().errorCode()))
                || t instanceof RetriableException
                || t instanceof ConnectException
                || t instanceof NoRouteToHostException
                || t instanceof SocketTimeoutException
                || t instanceof HttpTimeoutException;
    }

    /**
     * SQLSTATE classes 08 (connection), 53 (insufficient resources), 57 (operator intervention, e.g.
     * a restart), a read-only transaction during a failover (25006), serialization failures and
     * deadlocks, and a lock wait past {@code lock_timeout} (55P03: another transaction holds the
     * row), which succeed when tried again.
     */
    private static boolean unavailable(String state) {
        return state != null && (state.startsWith("08") || state.startsWith("53") || state.startsWith("57")
                || state.equals("25006") || state.equals("40001") || state.equals("40P01") || state.equals(LOCK_NOT_AVAILABLE));
    }

    /** SQLSTATE of a lock wait that ran past {@code lock_timeout}. */
    private static final String LOCK_NOT_AVAILABLE = "55P03";


    /** pgjdbc throws AssertionError on some dropped connections (with assertions on, as in tests). */
    private static boolean thrownBy(Throwable t, String packagePrefix) {
        StackTraceElement[] stack = t.getStackTrace();
        return stack.length > 0 && stack[0].getClassName().startsWith(packagePrefix);
    }
}
