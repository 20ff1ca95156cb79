package io.catalogingest.ops;

/** A one-line text progress bar for an upload's counts. */
final class ProgressBar {
    private ProgressBar() {}

    static String render(String status, int total, int succeeded, int failed, int width) {
        int finished = succeeded + failed;
        double share = total == 0 ? 1.0 : Math.min(1.0, (double) finished / total);
        int filled = (int) Math.round(share * width);
        return String.format("[%s%s] %3d%% %d/%d  succeeded %d  failed %d  %s", "#".repeat(filled), ".".repeat(width - filled),
                (int) Math.floor(share * 100), finished, total, succeeded, failed, status);
    }
}
