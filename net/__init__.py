"""The tablechat wire layer: a sans-IO framed-JSON codec and a thin asyncio connection."""
