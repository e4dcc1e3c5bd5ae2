"""Dashboard views: the staff pages for imports and publication, and the public pages."""
