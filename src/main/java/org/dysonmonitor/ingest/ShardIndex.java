package org.dysonmonitor.ingest;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;

import org.dysonmonitor.ingest.NpyFormatException.Reason;

/**
 * A Hugging Face {@code model.safetensors.index.json}: {@code {"metadata": {...}, "weight_map": {"tensor":
 * "model-00001-of-00002.safetensors", ...}}}. Only {@code weight_map} is used; each shard must be a plain
 * file name next to the index (no directory, so an index cannot point outside its checkpoint).
 *
 * @param weightMap tensor name to shard file name, in file order
 */
record ShardIndex(Map<String, String> weightMap) {

    private static final JsonFactory JSON = JsonFactory.builder().build();

    /** The shard file names, in order of first mention. */
    Set<String> shards() {
        return new LinkedHashSet<>(weightMap.values());
    }

    static ShardIndex parse(byte[] json, String file) throws NpyFormatException {
        Map<String, String> map = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw bad(file, "is not a JSON object");
            }
            boolean found = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken value = p.nextToken();
                if (!key.equals("weight_map")) {
                    p.skipChildren();
                    continue;
                }
                if (value != JsonToken.START_OBJECT || found) {
                    throw bad(file, "must have one weight_map object");
                }
                found = true;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String tensor = p.currentName();
                    if (p.nextToken() != JsonToken.VALUE_STRING) {
                        throw bad(file, "maps " + new PyLiteral.Str(tensor).briefRepr() + " to something not a file name");
                    }
                    String shard = p.getText();
                    if (!shard.matches("[A-Za-z0-9_.-]{1,200}\\.safetensors") || shard.startsWith(".")) {
                        throw bad(file, "names shard " + new PyLiteral.Str(shard).briefRepr()
                                + ", not a .safetensors file next to the index");
                    }
                    if (map.put(tensor, shard) != null) {
                        throw new NpyFormatException(Reason.DUPLICATE_NAME, file + " maps '" + tensor + "' twice");
                    }
                }
            }
            if (!found || map.isEmpty()) {
                throw bad(file, "has no weight_map entries");
            }
        } catch (JsonProcessingException e) {
            throw bad(file, "is not valid JSON");
        } catch (IOException e) {
            throw bad(file, "cannot be read");
        }
        return new ShardIndex(map);
    }

    private static NpyFormatException bad(String file, String what) {
        return new NpyFormatException(Reason.BAD_HEADER, file + " " + what);
    }
}
