package io.catalogingest.common.items;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

/**
 * {@code application/x-ndjson}: one product object per line. A line that is not valid JSON refuses
 * only that item; blank lines are skipped; lines are bounded so one cannot exhaust memory, and an item
 * over the {@link ItemSizeLimit} refuses the whole body.
 */
final class NdjsonReader extends IndexedItemReader {
    static final int MAX_LINE_CHARS = 1 << 20;

    private final ObjectMapper json;
    private final ObjectReader lineReader;
    private final ItemSizeLimit sizeLimit;
    private final Reader in;
    private final StringBuilder line = new StringBuilder(1024);
    private final char[] block = new char[1 << 14];
    private int position;
    private int filled;
    private int lineNumber;
    private boolean ended;

    NdjsonReader(ObjectMapper json, InputStream body, ItemSizeLimit sizeLimit) {
        this.json = json;
        this.lineReader = json.readerFor(JsonNode.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.sizeLimit = sizeLimit;
        this.in = new InputStreamReader(body, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
    }

    @Override
    ParsedItem read(int index) throws IOException, UploadRefusedException {
        while (!ended) {
            boolean tooLong = readLine();
            String text = line.toString();
            if (lineNumber == 1 && text.startsWith("\uFEFF")) {
                text = text.substring(1);
            }
            if (tooLong) {
                return ParsedItem.unreadable(null, "ITEM_TOO_LARGE", "line " + lineNumber + " is longer than " + MAX_LINE_CHARS + " characters");
            }
            if (text.isBlank()) {
                continue;
            }
            try (JsonParser parser = sizeLimit.enforceOn(lineReader.createParser(text), index)) {
                JsonNode tree = lineReader.readValue(parser);
                if (!tree.isObject()) {
                    return ParsedItem.unreadable(null, "ITEM_NOT_AN_OBJECT", "line " + lineNumber + " is not a JSON object");
                }
                return Items.fromTree(json, tree);
            } catch (ItemSizeLimit.ItemTooLargeException e) {
                throw e.refusal();
            } catch (JsonProcessingException e) {
                return ParsedItem.unreadable(null, "ITEM_MALFORMED", "line " + lineNumber + " is not valid JSON: " + e.getOriginalMessage());
            }
        }
        return null;
    }

    /** Reads one line into {@link #line}; returns true if it was cut at the length limit. */
    private boolean readLine() throws IOException, UploadRefusedException {
        line.setLength(0);
        lineNumber++;
        boolean tooLong = false;
        try {
            // Scans a block at a time: a char-by-char read costs more than the JSON parse of the line.
            while (true) {
                if (position == filled) {
                    filled = Math.max(0, in.read(block, 0, block.length));
                    position = 0;
                    if (filled == 0) {
                        ended = true;
                        break;
                    }
                }
                int start = position;
                while (position < filled && block[position] != '\n') {
                    position++;
                }
                int room = MAX_LINE_CHARS - line.length();
                line.append(block, start, Math.min(room, position - start));
                tooLong |= position - start > room;
                if (position < filled) {
                    position++; // the newline
                    break;
                }
            }
        } catch (MalformedInputException e) {
            throw UploadRefusedException.malformed("the body is not valid UTF-8 (line " + lineNumber + ")");
        }
        if (line.length() > 0 && line.charAt(line.length() - 1) == '\r') {
            line.setLength(line.length() - 1);
        }
        return tooLong;
    }
}
