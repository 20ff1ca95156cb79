package io.catalogingest.ingest.core;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.catalogingest.ingest.api.ProductRequest;

/**
 * {@code text/csv} with a header row: columns {@code sku,title,description,price,currency}, an
 * {@code images} column of {@code |}-separated URLs and one {@code attr.<name>} column per attribute.
 */
final class CsvItemReader implements ItemReader {
    static final String ATTRIBUTE_PREFIX = "attr.";
    private static final List<String> REQUIRED = List.of("sku", "title", "price", "currency");
    /** The caller owns the body stream: the parser must not close it (the rest is read for the idempotency hash). */
    private static final CsvMapper CSV = CsvMapper.builder().enable(CsvParser.Feature.FAIL_ON_MISSING_COLUMNS)
            .disable(StreamReadFeature.AUTO_CLOSE_SOURCE).build();

    private final MappingIterator<Map<String, String>> rows;
    private boolean headerChecked;

    CsvItemReader(InputStream body) throws IOException {
        this.rows = CSV.readerForMapOf(String.class).with(CsvSchema.emptySchema().withHeader()).readValues(body);
    }

    @Override
    public ParsedItem next() throws IOException, UploadRefusedException {
        try {
            if (!rows.hasNextValue()) {
                return null;
            }
            Map<String, String> row = rows.nextValue();
            checkHeader(row);
            return toItem(row);
        } catch (JsonProcessingException e) {
            throw UploadRefusedException.malformed("CSV is unreadable at line " + e.getLocation().getLineNr() + ": " + e.getOriginalMessage());
        }
    }

    private void checkHeader(Map<String, String> firstRow) throws UploadRefusedException {
        if (headerChecked) {
            return;
        }
        headerChecked = true;
        List<String> missing = REQUIRED.stream().filter(c -> !firstRow.containsKey(c)).toList();
        if (!missing.isEmpty()) {
            throw UploadRefusedException.malformed("the CSV header lacks the column(s) " + String.join(", ", missing));
        }
    }

    private static ParsedItem toItem(Map<String, String> row) {
        String sku = row.get("sku");
        BigDecimal price = null;
        String priceText = row.get("price");
        if (priceText != null && !priceText.isBlank()) {
            try {
                price = new BigDecimal(priceText.trim());
            } catch (NumberFormatException e) {
                return ParsedItem.unreadable(sku, "PRICE_INVALID", "price '" + priceText + "' is not a number");
            }
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        row.forEach((column, value) -> {
            if (column.startsWith(ATTRIBUTE_PREFIX) && value != null && !value.isEmpty()) {
                attributes.put(column.substring(ATTRIBUTE_PREFIX.length()), value);
            }
        });
        List<ProductRequest.Image> images = new ArrayList<>();
        String imageColumn = row.get("images");
        if (imageColumn != null && !imageColumn.isBlank()) {
            for (String url : imageColumn.split("\\|")) {
                images.add(new ProductRequest.Image(url.trim()));
            }
        }
        return ParsedItem.of(new ProductRequest(blankToNull(sku), blankToNull(row.get("title")), blankToNull(row.get("description")),
                price, blankToNull(row.get("currency")), attributes, images));
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
