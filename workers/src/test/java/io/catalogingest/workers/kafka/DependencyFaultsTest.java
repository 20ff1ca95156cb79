package io.catalogingest.workers.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import io.catalogingest.schemas.serde.SchemaRegistryClient;
import org.apache.kafka.common.errors.TimeoutException;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

class DependencyFaultsTest {
    @Test
    void unreachableOrOverloadedDependenciesAreRecognisedWhereverTheyAreWrapped() {
        assertThat(DependencyFaults.isDependencyFault(new ConnectionException(new SQLTransientConnectionException("pool timed out")))).isTrue();
        assertThat(DependencyFaults.isDependencyFault(new UnableToExecuteStatementException(
                new SQLException("terminating connection due to administrator command", "57P01"), null))).isTrue();
        assertThat(DependencyFaults.isDependencyFault(new UnableToExecuteStatementException(
                new SQLException("I/O error", "08006"), null))).isTrue();
        assertThat(DependencyFaults.isDependencyFault(SdkClientException.create("Unable to execute HTTP request",
                new ConnectException("Connection refused")))).isTrue();
        assertThat(DependencyFaults.isDependencyFault(S3Exception.builder().statusCode(503).message("Slow Down").build())).isTrue();
        assertThat(DependencyFaults.isDependencyFault(new SchemaRegistryClient.UnavailableException("registry down", null))).isTrue();
        assertThat(DependencyFaults.isDependencyFault(new UnableToExecuteStatementException(
                new SQLException("cannot execute UPDATE in a read-only transaction", "25006"), null))).isTrue();
        assertThat(DependencyFaults.isDependencyFault(new UnableToExecuteStatementException(
                new SQLException("canceling statement due to lock timeout", "55P03"), null))).isTrue();
        AssertionError dropped = new AssertionError("getAutoCommit() should not throw");
        dropped.setStackTrace(new StackTraceElement[] {
                new StackTraceElement("org.postgresql.jdbc.PgConnection", "getAutoCommit", "PgConnection.java", 1)});
        assertThat(DependencyFaults.isDependencyFault(dropped)).isTrue();
        assertThat(DependencyFaults.isDependencyFault(new IllegalStateException("outcome not acknowledged",
                new TimeoutException("Expiring 3 record(s)")))).isTrue();
    }

    /** What a record can cause by itself: it must spend attempts, not hold its partition. */
    @Test
    void faultsOfTheRecordItselfAreNotDependencyFaults() {
        assertThat(DependencyFaults.isDependencyFault(new IndexOutOfBoundsException("Attempt to read past end of image sequence!"))).isFalse();
        assertThat(DependencyFaults.isDependencyFault(new UnableToExecuteStatementException(
                new SQLException("value too long", "22001"), null))).isFalse();
        assertThat(DependencyFaults.isDependencyFault(S3Exception.builder().statusCode(400).message("bad key").build())).isFalse();
        assertThat(DependencyFaults.isDependencyFault(new AssertionError("driver state"))).isFalse();
        assertThat(DependencyFaults.isDependencyFault(new NullPointerException())).isFalse();
    }
}
