"""Every label, number and colour the displays show, computed once; text and HTML trees."""
