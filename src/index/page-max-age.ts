/**
 * How long a cached index page is used without asking again: apart from the client, so that the
 * command line can say it in its help without loading the client.
 */

/** Unless the server says otherwise (`--refresh` asks at once); PyPI's own `max-age` for its simple pages. */
export const PAGE_MAX_AGE_SECONDS = 600;
