package io.gatehouse.internal.routes;

import io.gatehouse.config.HeaderRules;
import io.gatehouse.internal.http.HeaderNames;
import io.undertow.util.HeaderMap;
import io.undertow.util.HttpString;

import java.util.ArrayList;
import java.util.List;

/**
 * One route's header operations with their values filled in for one request: {@code remove}, then {@code set},
 * then {@code add}. Values are filled in when the route matches, so a response change applied later still sees
 * that route's captures.
 *
 * <p>{@code remove} and {@code set} take every spelling of their name that CGI, WSGI and PHP would read as the same
 * variable ({@code X_Authenticated_User} for {@code X-Authenticated-User}; see {@link HeaderNames}), so a header
 * kept by {@code forwarded.underscoresInHeaders: keep} cannot stand in for one the route removes or replaces.
 */
final class HeaderChanges {

    private record Change(HttpString name, String value) {
    }

    private final List<HttpString> remove;
    private final List<Change> set;
    private final List<Change> add;

    private HeaderChanges(List<HttpString> remove, List<Change> set, List<Change> add) {
        this.remove = remove;
        this.set = set;
        this.add = add;
    }

    /**
     * One side's configured operations, parsed once when the route is built.
     *
     * @param remove the names removed
     * @param set    the headers given one value
     * @param add    the headers given one more value
     */
    record Operations(List<HttpString> remove, List<HeaderTemplate> set, List<HeaderTemplate> add) {
        static Operations of(HeaderRules.Operations configured) {
            return new Operations(configured.remove().stream().map(HttpString::new).toList(), HeaderTemplate.of(configured.set()),
                    HeaderTemplate.of(configured.add()));
        }
    }

    static HeaderChanges of(Operations operations, RequestValues values) {
        return new HeaderChanges(operations.remove(), changes(operations.set(), values), changes(operations.add(), values));
    }

    private static List<Change> changes(List<HeaderTemplate> headers, RequestValues values) {
        List<Change> changes = new ArrayList<>(headers.size());
        for (HeaderTemplate header : headers) {
            changes.add(new Change(header.name(), header.fill(values)));
        }
        return changes;
    }

    void applyTo(HeaderMap headers) {
        remove.forEach(headers::remove);
        if (!remove.isEmpty() || !set.isEmpty()) {
            removeOtherSpellings(headers);
        }
        set.forEach(change -> headers.put(change.name(), change.value()));
        add.forEach(change -> headers.add(change.name(), change.value()));
    }

    private void removeOtherSpellings(HeaderMap headers) {
        // Collected first: removing while the map is iterated would skip entries.
        List<HttpString> spellings = null;
        for (long cookie = headers.fastIterateNonEmpty(); cookie != -1L; cookie = headers.fiNextNonEmpty(cookie)) {
            HttpString name = headers.fiCurrent(cookie).getHeaderName();
            if (otherSpellingOfOurs(name)) {
                if (spellings == null) {
                    spellings = new ArrayList<>();
                }
                spellings.add(name);
            }
        }
        if (spellings != null) {
            spellings.forEach(headers::remove);
        }
    }

    private boolean otherSpellingOfOurs(HttpString name) {
        for (HttpString removed : remove) {
            if (HeaderNames.sameAsVariable(name, removed)) {
                return true;
            }
        }
        for (Change change : set) {
            if (!name.equals(change.name()) && HeaderNames.sameAsVariable(name, change.name())) {
                return true;
            }
        }
        return false;
    }
}
