"""Discord front end: ``slash`` builds the slash commands from the command registry
(bot/commands/); ``mentions`` answers mentions, DMs and thread follow-ups."""
