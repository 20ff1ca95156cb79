package io.catalogingest.workers;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiConsumer;

import com.codahale.metrics.MetricRegistry;
import io.catalogingest.common.db.CancellationDao;
import io.catalogingest.common.db.Databases;
import io.catalogingest.common.kafka.ConsumerGroups;
import io.catalogingest.common.kafka.GroupLagGauge;
import io.catalogingest.common.kafka.KafkaHealthCheck;
import io.catalogingest.common.storage.ObjectStoreHealthCheck;
import io.catalogingest.workers.WorkersConfiguration.ImagePoolConfig;
import io.catalogingest.workers.WorkersConfiguration.PoolConfig;
import io.catalogingest.workers.WorkersConfiguration.SplitPoolConfig;
import io.catalogingest.common.items.ItemFormat;
import io.catalogingest.workers.split.UploadSplitter;
import io.catalogingest.workers.kafka.SplitterPool;
import io.catalogingest.workers.catalog.CatalogWriter;
import io.catalogingest.workers.cli.PoolCommand;
import io.catalogingest.workers.health.PoolHealthCheck;
import io.catalogingest.workers.core.CancellingHandler;
import io.catalogingest.common.net.AddressPolicy;
import io.catalogingest.workers.images.ImageFetcher;
import io.catalogingest.workers.images.ImageStore;
import io.catalogingest.workers.images.ImageWorker;
import io.catalogingest.workers.images.S3ObjectStorage;
import io.catalogingest.workers.kafka.PerRecordStagePool;
import io.catalogingest.workers.kafka.KafkaClients;
import io.catalogingest.workers.kafka.BatchStagePool;
import io.catalogingest.workers.kafka.WorkerPool;
import io.catalogingest.common.ServiceBootstrap;
import io.dropwizard.core.Application;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.AutoCloseableManager;
import io.dropwizard.lifecycle.Managed;
import io.catalogingest.schemas.Stage;
import io.catalogingest.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.jdbi.v3.core.Jdbi;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The worker pools: the splitter on the uploads topic, and catalog writers and image workers, two
 * consumer groups on the products topic. {@code server} runs all three; {@code split},
 * {@code catalog} and {@code images} run one, so that each pool scales as its own deployment.
 */
public class WorkersApplication extends Application<WorkersConfiguration> {

    public static void main(String[] args) throws Exception {
        new WorkersApplication().run(args);
    }

    @Override
    public String getName() {
        return "workers";
    }

    @Override
    public void initialize(Bootstrap<WorkersConfiguration> bootstrap) {
        ServiceBootstrap.initialize(bootstrap);
        bootstrap.addCommand(new PoolCommand(this, PoolCommand.Pool.SPLIT));
        bootstrap.addCommand(new PoolCommand(this, PoolCommand.Pool.CATALOG));
        bootstrap.addCommand(new PoolCommand(this, PoolCommand.Pool.IMAGES));
    }

    @Override
    public void run(WorkersConfiguration config, Environment environment) {
        ServiceBootstrap.run(environment);
        Jdbi jdbi = Databases.jdbi(environment, config);
        CancellationDao cancellations = jdbi.onDemand(CancellationDao.class);
        KafkaClients kafka = KafkaClients.of(config.getKafka());
        Admin lagAdmin = Admin.create(config.getKafka().common(config.getInstanceId() + "-lag"));
        environment.lifecycle().manage(new AutoCloseableManager(lagAdmin));
        ScheduledExecutorService lagReads = environment.lifecycle().scheduledExecutorService("group-lag").threads(1).build();
        BiConsumer<String, List<String>> groupLag = (group, topics) -> GroupLagGauge.register(environment.metrics(),
                MetricRegistry.name("stage", group, "group-lag"), lagReads, lagAdmin, group, topics);

        if (config.getSplit().isEnabled()) {
            SplitPoolConfig split = config.getSplit();
            S3Client spool = config.getSpool().build();
            environment.lifecycle().manage(new AutoCloseableManager(spool));
            UploadSplitter splitter = new UploadSplitter(ItemFormat.constrained(environment.getObjectMapper()),
                    split.getMaxItemsPerUpload(), split.getChunkSize());
            manage(environment, groupLag, ConsumerGroups.SPLITTER, List.of(Topics.UPLOADS), new SplitterPool(kafka, config.getInstanceId(), splitter,
                    body -> spool.getObject(b -> b.bucket(body.getBucket()).key(body.getKey())), cancellations::cancelled,
                    split.getConsumers(), split.retryPolicy(), environment.metrics()));
        }
        if (config.getCatalog().isEnabled()) {
            PoolConfig catalog = config.getCatalog();
            manage(environment, groupLag, ConsumerGroups.CATALOG_WRITER, Topics.consumedBy(Stage.CATALOG), new BatchStagePool(kafka, ConsumerGroups.CATALOG_WRITER, config.getInstanceId(),
                    new CancellingHandler(new CatalogWriter(jdbi), cancellations::cancelled), catalog.getConsumers(), catalog.getMaxPollRecords(), catalog.retryPolicy(), environment.metrics()));
        }
        if (config.getImages().isEnabled()) {
            ImagePoolConfig images = config.getImages();
            S3Client s3 = config.getObjectStore().build();
            config.getObjectStore().ensureBucket(s3);
            environment.lifecycle().manage(new AutoCloseableManager(s3));
            environment.healthChecks().register("object-store", new ObjectStoreHealthCheck(s3, config.getObjectStore().getBucket()));
            ExecutorService downloads = environment.lifecycle().executorService("image-download-%d")
                    .minThreads(images.getConcurrentDownloads()).maxThreads(images.getConcurrentDownloads()).build();
            ImageFetcher fetcher = new ImageFetcher(new AddressPolicy(images.getAllowedPrivateNetworks()),
                    images.getConnectTimeout().toJavaDuration(), images.getReadTimeout().toJavaDuration(),
                    images.getDownloadDeadline().toJavaDuration(),
                    images.getMaxImageSize().toBytes(), images.getMaxRedirects(), images.getConcurrentDownloads());
            environment.lifecycle().manage(new AutoCloseableManager(fetcher));
            ImageStore store = new ImageStore(new S3ObjectStorage(s3, config.getObjectStore().getBucket()), images.getMaxPixels());
            manage(environment, groupLag, ConsumerGroups.IMAGE_WORKER, Topics.consumedBy(Stage.IMAGES), new PerRecordStagePool(kafka, ConsumerGroups.IMAGE_WORKER, config.getInstanceId(),
                    new CancellingHandler(new ImageWorker(fetcher, store, jdbi), cancellations::cancelled), images.getConsumers(), images.getMaxPollRecords(),
                    images.getConcurrentDownloads(), downloads, images.retryPolicy(), environment.metrics()));
        }

        KafkaHealthCheck.register(environment, config.getKafka(), getName());
    }

    /** Runs the pool with the service, and reports its health and its group's lag on {@code topics}. */
    private static <P extends Managed & WorkerPool> void manage(Environment environment,
            BiConsumer<String, List<String>> groupLag, String group, List<String> topics, P pool) {
        environment.lifecycle().manage(pool);
        environment.healthChecks().register("pool-" + group, new PoolHealthCheck(pool));
        groupLag.accept(group, topics);
    }
}
