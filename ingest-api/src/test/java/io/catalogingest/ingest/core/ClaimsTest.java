package io.catalogingest.ingest.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.catalogingest.ingest.db.FakeIdempotencyDao;
import io.catalogingest.ingest.db.IdempotencyDao;
import org.junit.jupiter.api.Test;

class ClaimsTest {
    private static final String MERCHANT = "merchant-1";
    private static final long LEASE_SECONDS = 300;

    private final FakeIdempotencyDao dao = new FakeIdempotencyDao();
    private final Claims claims = new Claims(dao, 86_400, LEASE_SECONDS);
    /** Another instance, whose claims this one cannot touch. */
    private final Claims elsewhere = new Claims(dao, 86_400, LEASE_SECONDS);

    private Claims.Claim claim(Claims owner, String key) throws IntakeUnavailableException {
        return owner.claim(MERCHANT, key).orElseThrow(() -> new AssertionError(key + " could not be claimed"));
    }

    private IdempotencyDao.Entry entry(String key) {
        return dao.find(MERCHANT, key).orElseThrow(() -> new AssertionError("no entry for " + key));
    }

    @Test
    void aNewKeyIsClaimedWithAFreshUploadIdAndNoEarlierBody() throws Exception {
        Claims.Claim first = claim(claims, "k-1");
        Claims.Claim second = claim(claims, "k-2");

        assertThat(first.uploadId()).matches("[0-9a-f-]{36}").isNotEqualTo(second.uploadId());
        assertThat(first.earlierBodySha256()).isNull();
        assertThat(first.owner()).isNotEqualTo(second.owner());
        assertThat(entry("k-1").state()).isEqualTo("PENDING");
    }

    @Test
    void aKeyHeldByALiveOwnerOrDoneCannotBeClaimed() throws Exception {
        Claims.Claim held = claim(claims, "k-1");
        assertThat(elsewhere.claim(MERCHANT, "k-1")).isEmpty();

        claims.complete(held, "sha", 202, "{}");
        dao.passSeconds(LEASE_SECONDS + 1);

        assertThat(elsewhere.claim(MERCHANT, "k-1")).isEmpty();
        assertThat(entry("k-1")).isEqualTo(new IdempotencyDao.Entry(held.uploadId(), "DONE", "sha", 202, "{}"));
    }

    @Test
    void aLapsedClaimIsTakenOverWithItsUploadIdAndTheBodyItsOwnerRecorded() throws Exception {
        Claims.Claim dead = claim(elsewhere, "k-1");
        elsewhere.recordBody(dead, "sha-1");
        dao.passSeconds(LEASE_SECONDS + 1);

        Claims.Claim takenOver = claim(claims, "k-1");

        assertThat(takenOver.uploadId()).isEqualTo(dead.uploadId());
        assertThat(takenOver.earlierBodySha256()).isEqualTo("sha-1");
        assertThat(takenOver.owner()).isNotEqualTo(dead.owner());
    }

    @Test
    void onlyTheOwnerCompletesOrReleasesItsClaim() throws Exception {
        Claims.Claim lost = claim(elsewhere, "k-1");
        dao.passSeconds(LEASE_SECONDS + 1);
        Claims.Claim owner = claim(claims, "k-1");

        elsewhere.complete(lost, "sha-lost", 202, "{\"lost\":true}");
        elsewhere.release(lost);

        assertThat(entry("k-1").state()).isEqualTo("PENDING");
        assertThatThrownBy(() -> elsewhere.recordBody(lost, "sha-lost")).isInstanceOfSatisfying(IntakeUnavailableException.class,
                e -> assertThat(e.code()).isEqualTo("DATABASE_UNAVAILABLE"));
        claims.complete(owner, "sha", 202, "{}");
        assertThat(entry("k-1").state()).isEqualTo("DONE");
    }

    @Test
    void releaseFreesTheKeyAtOnce() throws Exception {
        Claims.Claim released = claim(claims, "k-1");
        claims.recordBody(released, "sha-1");

        claims.release(released);

        assertThat(dao.find(MERCHANT, "k-1")).isEmpty();
        assertThat(claim(elsewhere, "k-1").uploadId()).isNotEqualTo(released.uploadId());
    }

    @Test
    void releasingATakenOverClaimKeepsTheDeadOwnersUploadIdAndBodyForTheNextRetry() throws Exception {
        Claims.Claim dead = claim(elsewhere, "k-1");
        elsewhere.recordBody(dead, "sha-1");
        dao.passSeconds(LEASE_SECONDS + 1);
        Claims.Claim takenOver = claim(claims, "k-1");

        claims.release(takenOver);

        Claims.Claim retry = claim(claims, "k-1");
        assertThat(retry.uploadId()).isEqualTo(dead.uploadId());
        assertThat(retry.earlierBodySha256()).isEqualTo("sha-1");
    }

    @Test
    void renewAllKeepsHeldClaimsAliveBeyondTheirFirstLease() throws Exception {
        claim(claims, "k-1");

        for (int i = 0; i < 3; i++) {
            dao.passSeconds(LEASE_SECONDS / 3 * 2);
            claims.renewAll();
        }

        assertThat(elsewhere.claim(MERCHANT, "k-1")).isEmpty();
    }

    @Test
    void renewAllRenewsOnlyClaimsStillHeld() throws Exception {
        claim(claims, "k-1");
        claims.complete(claim(claims, "k-2"), "sha", 202, "{}");
        claims.release(claim(claims, "k-3"));

        claims.renewAll();

        assertThat(dao.renewals()).containsExactly("k-1");
    }

    @Test
    void aClaimNoLongerRenewedLapses() throws Exception {
        claim(claims, "k-1");
        dao.passSeconds(LEASE_SECONDS + 1);

        assertThat(elsewhere.claim(MERCHANT, "k-1")).isPresent();
    }

    @Test
    void aDatabaseOutageFailsClaimsButNotTheBookkeepingAfterAnAnswer() throws Exception {
        Claims.Claim completed = claim(claims, "k-1");
        Claims.Claim released = claim(claims, "k-2");
        dao.down(true);

        assertThatThrownBy(() -> claims.claim(MERCHANT, "k-3")).isInstanceOfSatisfying(IntakeUnavailableException.class,
                e -> assertThat(e.code()).isEqualTo("DATABASE_UNAVAILABLE"));
        assertThatThrownBy(() -> claims.find(MERCHANT, "k-1")).isInstanceOf(IntakeUnavailableException.class);
        assertThatCode(() -> {
            claims.renewAll();
            claims.complete(completed, "sha", 202, "{}");
            claims.release(released);
        }).doesNotThrowAnyException();
    }
}
