package io.catalogingest.common.db;

import java.util.Collection;
import java.util.Set;

import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Uploads cancelled while queued: written by the status service, read by the workers. */
public interface CancellationDao {
    @SqlUpdate("INSERT INTO upload_cancellations (upload_id, merchant_id) VALUES (:uploadId, :merchantId) "
            + "ON CONFLICT (upload_id) DO NOTHING")
    void cancel(@Bind("uploadId") String uploadId, @Bind("merchantId") String merchantId);

    @SqlQuery("SELECT upload_id FROM upload_cancellations WHERE upload_id IN (<uploadIds>)")
    Set<String> cancelled(@BindList("uploadIds") Collection<String> uploadIds);
}
