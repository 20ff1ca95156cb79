package io.catalogingest.common.items;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import io.catalogingest.common.api.Problem;

/**
 * {@code text/csv} with a header row: columns {@code sku,title,description,price,currency}, an
 * {@code images} column of {@code |}-separated URLs and one {@code attr.<name>} column per attribute.
 */
final class CsvItemReader implements ItemReader {
    static final String ATTRIBUTE_PREFIX = "attr.";
    /** Five product columns, images and up to 100 attributes fit with room to spare; bounds what one row can hold. */
    static final int MAX_COLUMNS = 200;
    private static final List<String> REQUIRED = List.of("sku", "title", "price", "currency");
    /** The caller owns the body stream: the parser must not close it (the rest is read for the idempotency hash). */
    private static final CsvMapper CSV = CsvMapper.builder().disable(StreamReadFeature.AUTO_CLOSE_SOURCE).build();

    /**
     * Without a schema the parser hands each row over cell by cell, as an array, so a row is refused at
     * its first cell over {@link #MAX_COLUMNS}; with a header schema Jackson would read the whole header
     * (up to 99,999 columns) into the schema first.
     */
    private final JsonParser parser;
    private List<String> columns;

    CsvItemReader(InputStream body) throws IOException {
        this.parser = CSV.createParser(body);
    }

    @Override
    public ParsedItem next() throws IOException, UploadRefusedException {
        try {
            if (columns == null) {
                columns = readHeader();
            }
            // One cell past the header is kept for a trailing comma; more only make the row malformed.
            Row row = readRow(columns.size() + 1);
            return row == null ? null : toItem(row.valuesBy(columns));
        } catch (JsonProcessingException e) {
            throw UploadRefusedException.malformed("CSV is unreadable at line " + e.getLocation().getLineNr() + ": " + e.getOriginalMessage());
        }
    }

    private List<String> readHeader() throws IOException, UploadRefusedException {
        Row header = readRow(MAX_COLUMNS);
        List<String> names = new ArrayList<>();
        if (header != null) {
            header.cells().forEach(name -> names.add(name.trim()));
        }
        // A trailing comma names no column.
        if (!names.isEmpty() && names.get(names.size() - 1).isEmpty()) {
            names.remove(names.size() - 1);
        }
        List<String> missing = REQUIRED.stream().filter(c -> !names.contains(c)).toList();
        if (!missing.isEmpty()) {
            throw UploadRefusedException.malformed("the CSV header lacks the column(s) " + String.join(", ", missing));
        }
        return names;
    }

    /** The next row, or null at the end of the body; cells past the first {@code kept} are counted, not kept. */
    private Row readRow(int kept) throws IOException, UploadRefusedException {
        if (parser.nextToken() == null) {
            return null;
        }
        int line = parser.currentLocation().getLineNr();
        List<String> cells = new ArrayList<>();
        int width = 0;
        while (parser.nextToken() == JsonToken.VALUE_STRING) {
            if (++width > MAX_COLUMNS) {
                throw new UploadRefusedException(Problem.of(400, "CSV_TOO_MANY_COLUMNS", "Too many CSV columns",
                        "line " + line + " has more than " + MAX_COLUMNS + " columns"));
            }
            if (width <= kept) {
                cells.add(parser.getText());
            }
        }
        return new Row(line, cells, width);
    }

    /** One record of the body, starting at {@code line} (a quoted cell may span lines), {@code width} cells wide. */
    private record Row(int line, List<String> cells, int width) {
        Map<String, String> valuesBy(List<String> columns) throws UploadRefusedException {
            // A trailing comma adds one empty cell, tolerated as in the header.
            boolean trailingComma = width == columns.size() + 1 && cells.get(columns.size()).isBlank();
            if (width != columns.size() && !trailingComma) {
                throw UploadRefusedException.malformed("CSV line " + line + " has " + width + " columns where the header has "
                        + columns.size());
            }
            Map<String, String> values = new LinkedHashMap<>();
            for (int i = 0; i < columns.size(); i++) {
                values.put(columns.get(i), cells.get(i));
            }
            return values;
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
