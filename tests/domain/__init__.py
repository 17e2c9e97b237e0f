# Copyright (c) 2026 dealdesk contributors.
