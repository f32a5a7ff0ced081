// Scripts of the site's pages. Search and the index page's filters are in search.js.
