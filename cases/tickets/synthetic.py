"""Seeded synthetic helpdesk tickets for Helio, a SaaS helpdesk: the case's offline source.

Each ticket is written by a template grammar: a subject, then a body framed by its channel
(an email with greeting and sign-off, a web form, a chat transcript, an agent's call notes, a
ticket created through the API) around two to four core sentences of its category. The
slots of the templates draw from shared fillers (features, integrations, error codes,
amounts, plans, names), so texts vary widely, and the categories deliberately share
vocabulary: "export" occurs in billing, bug reports and data import/export, "SSO" in account
access, security, integrations and how-to questions, "slow" in performance and bug reports.

What makes the task realistic rather than a template lookup:

* ``MIXED_SHARE`` of tickets are genuinely ambiguous: their sentences (and maybe their
  subject) come from the labelled category and a related one in random proportion.
* ``VAGUE_SHARE`` of tickets say little ("it's not working, please call me"); only their
  metadata and, sometimes, one sentence hint at the queue.
* exactly ``LABEL_NOISE`` (4 %) of the labels are wrong: replaced by a different category
  drawn uniformly, like an agent's misfiled re-route.
* the metadata follows the category, imperfectly: the product area a customer picks in the
  form, the plan (enterprise customers file more security and integrations tickets), the
  channel, the priority the customer picks at creation (urgent is common for security and
  account access), and the calendar (billing spikes on the first days of the month when
  renewals run, cancellations before month end, performance during two outage weeks,
  security and integrations tickets around the clock).

The text is drawn from the category before the label noise, so a wrong label disagrees with
both the text and the metadata, as a misfiled real ticket would.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from casekit.cases.draws import Draws

N_TICKETS = 20_000
# Exact fraction of tickets whose label is replaced by a different, random category.
LABEL_NOISE = 0.04
# Shares of tickets whose text mixes two categories, or barely names the problem.
MIXED_SHARE = 0.22
VAGUE_SHARE = 0.19
# How a ticket's text relates to its category: only its own, mixed with a neighbour's, vague.
STYLES = ("clear", "mixed", "vague")
# A vague ticket still carries one sentence (and, separately, the subject) of its category
# this often.
VAGUE_HINT = 0.25
TYPO_RATE = 0.15
WINDOW_START = np.datetime64("2024-09-01")
WINDOW_DAYS = 365
# Two incidents during which the product was slow for everyone (first day, length in days).
OUTAGES = ((np.datetime64("2024-11-18"), 6), (np.datetime64("2025-04-07"), 5))

COLUMNS = [
    "created_at",
    "channel",
    "product_area",
    "customer_plan",
    "priority",
    "subject",
    "body",
    "category",
]

# Queue labels with their share of the ticket stream: the largest is ~14x the smallest, ~11x
# after the label noise.
CATEGORY_SHARES = {
    "how_to": 0.215,
    "bug_report": 0.17,
    "billing": 0.14,
    "account_access": 0.12,
    "integrations": 0.09,
    "feature_request": 0.08,
    "performance": 0.07,
    "data_import_export": 0.06,
    "cancellation": 0.04,
    "security": 0.015,
}
CATEGORIES: tuple[str, ...] = tuple(CATEGORY_SHARES)

# The categories an ambiguous ticket of each category borrows sentences from.
NEIGHBOURS = {
    "how_to": ("feature_request", "data_import_export", "integrations", "account_access"),
    "bug_report": ("performance", "integrations", "data_import_export", "how_to"),
    "billing": ("cancellation", "data_import_export", "account_access"),
    "account_access": ("security", "integrations", "bug_report"),
    "integrations": ("bug_report", "account_access", "how_to"),
    "feature_request": ("how_to", "bug_report", "integrations"),
    "performance": ("bug_report", "integrations", "data_import_export"),
    "data_import_export": ("how_to", "bug_report", "billing", "performance"),
    "cancellation": ("billing", "feature_request", "data_import_export"),
    "security": ("account_access", "integrations", "data_import_export"),
}

# --- metadata -------------------------------------------------------------------------------

PLANS = ("free", "starter", "pro", "enterprise")
CHANNELS = ("email", "web_form", "chat", "phone", "api")
PRIORITIES = ("low", "normal", "high", "urgent")
PRODUCT_AREAS = (
    "inbox",
    "live_chat",
    "knowledge_base",
    "automations",
    "reporting",
    "mobile_app",
    "integrations",
    "api",
    "import_export",
    "billing",
    "account_settings",
)
# Customers pick the product area from a drop-down, so some of it is noise on any ticket.
AREA_NOISE = 0.12

# P(plan | category): a base mix reweighted, e.g. enterprise files security and integrations.
PLAN_BASE = (0.34, 0.30, 0.23, 0.13)
PLAN_TILT = {
    "how_to": (1.4, 1.1, 0.8, 0.6),
    "account_access": (1.3, 1.0, 0.9, 0.9),
    "billing": (0.5, 1.4, 1.3, 0.9),
    "cancellation": (1.2, 1.5, 0.8, 0.3),
    "feature_request": (0.7, 1.0, 1.4, 1.1),
    "integrations": (0.4, 0.8, 1.3, 3.0),
    "security": (0.3, 0.6, 1.2, 4.5),
    "performance": (0.8, 0.9, 1.1, 1.6),
    "bug_report": (0.9, 1.0, 1.1, 1.1),
    "data_import_export": (0.6, 1.0, 1.3, 1.6),
}
# P(channel | category) over CHANNELS.
CHANNEL_MIX = {
    "how_to": (0.20, 0.30, 0.42, 0.06, 0.02),
    "bug_report": (0.25, 0.40, 0.15, 0.05, 0.15),
    "billing": (0.35, 0.25, 0.15, 0.22, 0.03),
    "account_access": (0.30, 0.25, 0.30, 0.13, 0.02),
    "integrations": (0.25, 0.30, 0.12, 0.03, 0.30),
    "feature_request": (0.30, 0.55, 0.10, 0.03, 0.02),
    "performance": (0.25, 0.30, 0.22, 0.08, 0.15),
    "data_import_export": (0.30, 0.35, 0.18, 0.04, 0.13),
    "cancellation": (0.40, 0.25, 0.12, 0.22, 0.01),
    "security": (0.45, 0.25, 0.08, 0.17, 0.05),
}
# P(priority | category) over PRIORITIES, as the customer sets it when filing.
PRIORITY_MIX = {
    "how_to": (0.45, 0.45, 0.08, 0.02),
    "bug_report": (0.12, 0.45, 0.30, 0.13),
    "billing": (0.25, 0.50, 0.18, 0.07),
    "account_access": (0.08, 0.37, 0.30, 0.25),
    "integrations": (0.15, 0.45, 0.28, 0.12),
    "feature_request": (0.65, 0.30, 0.04, 0.01),
    "performance": (0.08, 0.35, 0.37, 0.20),
    "data_import_export": (0.22, 0.50, 0.20, 0.08),
    "cancellation": (0.20, 0.50, 0.20, 0.10),
    "security": (0.05, 0.20, 0.30, 0.45),
}
# P(product area | category) before AREA_NOISE; areas not named get nothing.
AREA_MIX = {
    "how_to": {
        "automations": 0.22,
        "reporting": 0.18,
        "knowledge_base": 0.16,
        "inbox": 0.16,
        "live_chat": 0.12,
        "mobile_app": 0.06,
        "account_settings": 0.10,
    },
    "bug_report": {
        "inbox": 0.26,
        "live_chat": 0.16,
        "automations": 0.15,
        "reporting": 0.12,
        "mobile_app": 0.15,
        "knowledge_base": 0.10,
        "api": 0.06,
    },
    "billing": {"billing": 0.82, "account_settings": 0.18},
    "account_access": {"account_settings": 0.72, "mobile_app": 0.16, "inbox": 0.12},
    "integrations": {"integrations": 0.62, "api": 0.38},
    "feature_request": {
        "reporting": 0.22,
        "inbox": 0.20,
        "automations": 0.18,
        "mobile_app": 0.14,
        "knowledge_base": 0.14,
        "live_chat": 0.12,
    },
    "performance": {"inbox": 0.34, "reporting": 0.28, "live_chat": 0.22, "api": 0.16},
    "data_import_export": {"import_export": 0.72, "reporting": 0.18, "api": 0.10},
    "cancellation": {"billing": 0.62, "account_settings": 0.38},
    "security": {"account_settings": 0.65, "api": 0.20, "knowledge_base": 0.15},
}
# Day of week (Monday first): support is a weekday business; security incidents are not.
WEEKDAY_LOAD = (1.15, 1.10, 1.05, 1.0, 0.9, 0.35, 0.3)
WEEKDAY_LOAD_FLAT = (1.0, 1.0, 1.0, 1.0, 1.0, 0.8, 0.8)
ROUND_THE_CLOCK = ("security", "integrations", "performance")
# Hour of day (UTC): customers in Europe and the Americas during their business hours.
HOUR_LOAD = (
    0.3, 0.2, 0.2, 0.2, 0.3, 0.5, 0.9, 1.6, 2.4, 2.8, 2.9, 2.8,
    2.5, 2.8, 3.2, 3.3, 3.1, 2.6, 2.0, 1.6, 1.3, 1.0, 0.7, 0.5,
)
BILLING_RUN_DAYS = 3
BILLING_RUN_BOOST = 6.0
MONTH_END_DAYS = 5
MONTH_END_BOOST = 2.5
OUTAGE_BOOST = 8.0

# --- text -----------------------------------------------------------------------------------

FIRST_NAMES = (
    "Anna", "Ben", "Carlos", "Chloe", "Daniel", "Priya", "Emma", "Felix", "Grace", "Hiro",
    "Ines", "Jakub", "Jasmine", "Kofi", "Laura", "Liam", "Maria", "Mateo", "Mei", "Nadia",
    "Noah", "Olivia", "Omar", "Pablo", "Rachel", "Sam", "Sara", "Tom", "Yusuf", "Zoe",
    "Aisha", "Lukas", "Sofia", "Arjun", "Hannah", "Marco", "Elena", "Kenji", "Fatima", "Jonas",
)
LAST_NAMES = (
    "Adams", "Becker", "Chen", "Costa", "Dubois", "Evans", "Fischer", "Garcia", "Hansen",
    "Ibrahim", "Jensen", "Kowalski", "Lee", "Martin", "Nguyen", "Okafor", "Patel", "Rossi",
    "Schmidt", "Silva", "Tanaka", "Novak", "Wagner", "Wilson", "Yilmaz", "Moreau", "Singh",
    "Larsen", "Murphy", "Haddad",
)
COMPANY_STEMS = (
    "Acme", "Northwind", "Bluebird", "Kite", "Orbit", "Maple", "Lumen", "Harbor", "Pinecone",
    "Atlas", "Cobalt", "Fennel", "Granite", "Juniper", "Nimbus", "Quill", "Redwood", "Sable",
    "Tidal", "Vertex", "Willow", "Zephyr", "Brightline", "Copperleaf",
)
COMPANY_SUFFIXES = (
    "Labs", "GmbH", "Inc.", "Co.", "Logistics", "Health", "Studio", "Retail", "Travel",
    "Software", "Foods", "Energy", "Insurance", "Apparel", "Games", "Ltd",
)
AGENTS = ("Maya", "Leo", "Sven", "Ana", "Tariq", "Jules", "Ruth", "Kai")
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)

# Slot fillers: a tuple of alternatives (themselves templates) or a function of the draws.
SLOTS: dict[str, tuple[str, ...] | Callable[[Draws], str]] = {
    "product": ("Helio", "Helio", "the Helio dashboard", "the agent workspace", "your app"),
    "feature": (
        "macros", "the shared inbox", "SLA policies", "canned replies", "tags",
        "the reporting dashboard", "automations", "the knowledge base", "the chat widget",
        "ticket views", "custom fields", "CSAT surveys", "round-robin assignment",
        "business hours", "ticket forms", "the side conversation panel", "triggers",
        "the customer portal", "agent collision detection", "saved replies",
    ),
    "integration": (
        "Slack", "Salesforce", "Jira", "HubSpot", "Shopify", "Zapier", "Microsoft Teams",
        "Google Workspace", "Stripe", "GitHub", "Pipedrive", "WhatsApp Business",
    ),
    "idp": ("Okta", "Azure AD", "Google Workspace", "OneLogin", "JumpCloud", "Entra ID"),
    "competitor": ("Zendesk", "Freshdesk", "Help Scout", "Intercom", "Zoho Desk", "Front"),
    "browser": (
        "Chrome", "Firefox", "Safari", "Edge", "the desktop app", "the iOS app",
        "the Android app",
    ),
    "app": ("iOS", "Android", "desktop", "mobile"),
    "time_ago": (
        "since this morning", "since yesterday", "for the past two days", "since Monday",
        "since your update last night", "since the weekend", "for about an hour",
        "since the last release", "all week",
    ),
    "http_error": ("500", "502", "503", "504", "403", "401", "429", "400"),
    "month": MONTHS,
    "other_plan": ("Free", "Starter", "Pro", "Enterprise"),
    "country": (
        "Brazil", "Vietnam", "Russia", "Nigeria", "Romania", "an unknown location", "Singapore",
        "a VPN exit node", "Indonesia",
    ),
    "file": (
        "tickets_export.csv", "contacts.csv", "export_{number}.xlsx", "users.csv",
        "report-{month}.csv", "helio_backup.zip", "organizations.csv",
    ),
    "column": ("email", "organization", "phone", "created_at", "external_id", "tags", "name"),
    "tag": ("vip", "refund", "escalated", "billing", "follow_up", "priority", "spam"),
    "task": (
        "assign tickets to a specific team automatically",
        "hide closed tickets from my view",
        "send an automatic reply outside business hours",
        "add a custom field to the ticket form",
        "tag tickets based on keywords in the subject",
        "create a report of tickets per agent",
        "change the sender name on our outgoing emails",
        "restrict some agents to one brand",
        "set different SLAs for our VIP customers",
        "schedule a weekly report by email",
        "translate our help center articles",
        "merge duplicate contacts",
        "route chats to agents who speak German",
        "export a list of all our customers",
    ),
    "wish": (
        "a dark mode", "bulk editing of tickets", "export to Excel", "SSO on the Starter plan",
        "custom agent roles", "scheduled exports", "a Linear integration",
        "emoji reactions in chat", "ticket templates", "an undo send button",
        "more granular permissions", "right-to-left language support",
        "conditional fields in ticket forms", "an offline mode for the mobile app",
        "SLA reports per team", "a way to snooze tickets", "keyboard shortcuts for macros",
        "AI-suggested replies", "light agents who can only read tickets",
    ),
    "greeting": (
        "Hi,", "Hello,", "Hi there,", "Hello team,", "Hi Helio support,", "Dear Support,",
        "Good morning,", "Hey,", "Hi all,", "Dear Helio team,", "Hello support team,",
        "Good afternoon,", "Hi {agent},",
    ),
    "context": (
        "I'm the admin of {company}'s Helio workspace.",
        "We're a team of {agents} agents on the {plan} plan.",
        "I work in customer support at {company}.",
        "We've been using {product} for about {years} years.",
        "Our workspace is {workspace}.helio.io.",
        "Hope you're doing well.",
        "I'm writing on behalf of our operations team.",
        "I'm new to the team and took over the Helio admin role.",
        "Quick one from {company}.",
    ),
    "closing": (
        "Thanks in advance.", "Thanks for your help!", "Appreciate it.",
        "Looking forward to your reply.", "Let me know if you need anything else from me.",
        "Thank you!", "Thx", "Any help is appreciated.", "Thanks!",
        "Happy to jump on a call if that's easier.",
    ),
    "signoff": (
        "{first}", "Thanks,\n{first}", "Best regards,\n{first} {last}\n{company}",
        "Cheers,\n{first}", "Kind regards,\n{first} {last}", "Regards, {first}",
        "--\n{first} {last} | {role} | {company}", "Sent from my iPhone", "Best,\n{first}",
        "Many thanks,\n{first} {last}",
    ),
    "role": (
        "Support Lead", "Head of Customer Experience", "IT Manager", "Operations",
        "Office Manager", "CTO", "Finance", "Support Agent",
    ),
    "agent_reply": (
        "Thanks, let me check that for you.", "Could you tell me your workspace URL?",
        "Let me look into this.", "I'll pass this on to the right team.",
        "One moment please.",
    ),
    "agent_note": (
        "Customer asked for a follow-up by email.", "Told the customer we'd get back today.",
        "Caller was polite but in a hurry.", "Promised a call back.",
        "Could not resolve on the call.", "Customer sounded frustrated.",
    ),
    "api_source": (
        "Zapier", "the customer's backend", "a monitoring webhook", "a Slack shortcut",
        "an internal form", "the Helio SDK",
    ),
    "error_code": lambda draws: f"HL-{draws.integer(1000, 9999)}",
    "request_id": lambda draws: f"{draws.integer(16**7, 16**8 - 1):08x}",
    "amount": lambda draws: f"${draws.integer(9, 2400)}.{draws.integer(0, 99):02d}",
    "invoice": lambda draws: f"INV-2025-{draws.integer(10000, 99999)}",
    "vat": lambda draws: f"DE{draws.integer(100000000, 999999999)}",
    "card4": lambda draws: f"{draws.integer(0, 9999):04d}",
    "number": lambda draws: str(draws.integer(2, 500)),
    "seats": lambda draws: str(draws.integer(2, 40)),
    "agents": lambda draws: str(draws.integer(3, 120)),
    "years": lambda draws: str(draws.integer(2, 6)),
    "seconds": lambda draws: str(draws.integer(8, 90)),
    "pct": lambda draws: str(draws.integer(5, 95)),
    "rows": lambda draws: f"{draws.integer(2, 250) * 1000:,}",
    "days": lambda draws: str(draws.pick((30, 60, 90, 180, 365))),
    "ticket_ref": lambda draws: f"#{draws.integer(100000, 999999)}",
    "phone": lambda draws: (
        f"+1 {draws.integer(200, 989)} {draws.integer(200, 999)} {draws.integer(1000, 9999)}"
    ),
    "mb": lambda draws: str(draws.integer(2, 19)),
    "date": lambda draws: f"{draws.pick(MONTHS)} {draws.integer(1, 28)}",
    "email": lambda draws: (
        f"{draws.pick(FIRST_NAMES).lower()}@{draws.pick(COMPANY_STEMS).lower()}.com"
    ),
    "colleague": lambda draws: draws.pick(FIRST_NAMES),
}

# Per category: subject templates and core sentence templates. Sentences marked "shared"
# use another queue's vocabulary on purpose.
SUBJECTS = {
    "billing": (
        "Charged twice for {month}", "Invoice {invoice} shows the wrong amount",
        "Question about my invoice", "Card declined when upgrading to {other_plan}",
        "Refund request for duplicate charge", "VAT number missing on invoice",
        "Why did our bill go up?", "Billing question - {company}", "Unexpected charge of {amount}",
        "Need a receipt for {month}", "Update payment method", "Prorated charge after adding seats",
        "Wrong currency on our invoice", "Can't download invoice PDF", "Export of billing history",
        "Payment failed", "Invoice address change",
    ),
    "account_access": (
        "Can't log in", "Locked out of my account", "Password reset email never arrives",
        "2FA code not working", "SSO login loop", "Invite link expired",
        "Lost my phone, can't get 2FA codes", "Login problem {time_ago}",
        "New agent can't access the workspace", "Account deactivated by mistake?",
        "Can't sign in with Google", "Admin left the company, need access",
        "Error {http_error} on login page", "Magic link doesn't work", "cant login",
        "Session keeps expiring",
    ),
    "bug_report": (
        "Bug: {feature} not saving", "Error {error_code} when opening tickets",
        "Button does nothing in {feature}", "{feature} broken after latest update",
        "Attachments fail to upload", "Crash in the {app} app", "Wrong timestamps on replies",
        "Duplicate notifications", "Export button throws an error", "Something broke in {feature}",
        "Page gets slow and then crashes", "Macro applies the wrong tags",
        "Emails not threading correctly", "Bug report", "Search returns nothing",
        "Error {error_code}",
    ),
    "how_to": (
        "How do I set up {feature}?", "Question about {feature}", "How to export tickets to CSV?",
        "Where can I change our business hours?", "Setting up SSO with {idp}",
        "Can I assign tickets automatically?", "How to add a new agent",
        "Is it possible to merge tickets?", "Help with automations",
        "How do I change the email signature?", "Best way to organise our tags?",
        "Quick question", "Getting started with {product}", "How does {feature} work?",
        "Question about reports", "how to {task}",
    ),
    "feature_request": (
        "Feature request: {wish}", "Suggestion for {feature}", "Would love to see {wish}",
        "Idea: {wish}", "Please add {wish}", "Missing feature in {feature}",
        "Any plans for {wish}?", "Roadmap question", "Feedback on {feature}",
        "Request: {wish}",
    ),
    "integrations": (
        "{integration} integration not syncing", "Webhook failing with {http_error}",
        "API token rejected", "Problem connecting {integration}",
        "{integration} app shows disconnected", "OAuth error when connecting {integration}",
        "Zapier zap stopped working", "SCIM provisioning from {idp} fails",
        "Rate limit on the API", "Tickets not created from {integration}",
        "{integration} sync issue", "API returns {http_error}",
    ),
    "performance": (
        "Very slow today", "{product} extremely slow", "Timeouts when loading tickets",
        "Dashboard takes forever to load", "Is there an outage?", "Lag in live chat",
        "Search is very slow", "Error {http_error} and timeouts", "Reports won't load",
        "Performance degradation {time_ago}", "Everything is slow", "Slow inbox",
    ),
    "data_import_export": (
        "CSV import fails", "Export tickets to CSV", "Migrating from {competitor}",
        "Import of contacts stuck at {pct}%", "Exported file is empty",
        "Encoding problem in export",
        "Bulk import of users", "Data export for GDPR request", "Import created duplicates",
        "Need a full backup of our data", "Problem with {file}", "Export missing columns",
    ),
    "security": (
        "Suspicious login from {country}", "Possible phishing email pretending to be Helio",
        "Security vulnerability report", "API key accidentally exposed",
        "Enforce SSO for all agents", "Request for audit log", "Unknown admin in our workspace",
        "Security questionnaire and SOC 2 report", "Data retention question", "2FA enforcement",
        "Compromised agent account", "Security concern",
    ),
    "cancellation": (
        "Cancel our subscription", "Please close our account", "Downgrade to Free",
        "Not renewing", "How do I cancel?", "Cancellation and refund",
        "We're moving to {competitor}", "Stop auto-renewal", "Delete account and all data",
        "Cancel {plan} plan",
    ),
    "vague": (
        "Help", "Problem", "Question", "Urgent", "Issue with our account", "Need assistance",
        "Not working", "Follow-up", "Re: your last reply", "Please call me", "Support request",
        "{company} - issue", "Hello", "Problem with {product}", "Re: ticket {ticket_ref}",
        "help!!", "Still waiting",
    ),
}

SENTENCES = {
    "billing": (
        "We were charged {amount} twice on {date}.",
        "Our invoice {invoice} says {amount} but we're on the {plan} plan, "
        "which should be cheaper.",
        "I added {seats} seats last week and the prorated charge doesn't make sense to me.",
        "Could you send a corrected invoice with our VAT number {vat} on it?",
        "The card ending in {card4} was declined but the payment still shows as pending "
        "at our bank.",
        # shared
        "Our finance team needs all invoices since {month} exported as PDF for the audit.",
        "I'd like a refund for the duplicate payment.",
        "We switched from monthly to annual billing but were still charged the monthly fee.",
        "Please update the billing contact to {email}.",
        "The pricing page says {amount} per agent but we were billed more than that.",
        "When is our next renewal and what will the amount be?",
        "We need a purchase order number on all future invoices.",
        "When I try to pay the outstanding balance the payment page just reloads.",  # shared
        "Our accountant can't find the receipts in the billing portal.",
        "We downgraded to {other_plan} but we're still billed for the {plan} plan.",  # shared
        "Can we pay by bank transfer instead of card?",
        "The invoice is still addressed to our old company name.",
        "We're billed for {seats} seats but only {agents} agents are active.",
        "Our trial ended and we were charged {amount} without any warning.",
        "Can I get the billing history exported to CSV instead of PDF?",  # shared
        "The invoice is in USD, it should be in EUR.",
        "Sales promised us {pct}% off the first year and it's not on the invoice.",
        "Our card expired and now the account shows a payment warning.",
        "Why does the invoice include a charge for add-ons we never enabled?",
    ),
    "account_access": (
        "I can't log in to {product}, it says my password is incorrect even after a reset.",
        "The password reset email never arrives, I've checked spam too.",
        "My 2FA codes from the authenticator app are rejected every time.",
        "I got a new phone and lost access to my authenticator app.",
        "When I sign in through {idp} SSO I end up back on the login page in a loop.",  # shared
        "Our new agent {colleague} accepted the invite but gets 'account not found' at login.",
        "The invitation link says it has expired, can you resend it?",
        "Our only admin left the company and nobody else can get into the admin console.",
        "My account was locked after too many attempts, please unlock it.",
        "I changed my email address and now I can't sign in with either the old or the new one.",
        "Login works in {browser} but not in the mobile app.",
        "I get error {http_error} right after entering my password.",
        "Sign in with Google just shows a blank page.",
        "Please transfer the account ownership to {email}.",
        "The magic link in the email takes me to an error page.",
        "Several agents were logged out this morning and can't get back in.",
        "It says my account has been deactivated but I never asked for that.",
        "Can you reset the 2FA on my account please?",
        "Our team lead can log in but doesn't see the workspace anymore.",
        "The app says 'session expired' every few minutes and logs me out.",
        "i cant login since {time_ago}.",
    ),
    "bug_report": (
        "When I click save in {feature} nothing happens and the changes are lost.",
        "We get error {error_code} {time_ago} whenever we open a ticket from {feature}.",
        "Steps to reproduce: open {feature}, change any field, click save. Expected: saved. "
        "Actual: error {error_code}.",
        "The {app} app crashes as soon as I open a ticket with an attachment.",
        "Replies show the wrong time, they're off by exactly one hour since the clock change.",
        "Customers receive the same notification email two or three times.",
        "The export button on the tickets view gives a {http_error} error.",  # shared
        "Attachments over {mb} MB fail with 'upload failed' although the limit is 20 MB.",
        "Our macro is supposed to add the tag '{tag}' but it adds a different one.",
        "Customer replies are not threaded, every reply creates a new ticket.",
        "The page gets slow after a few minutes and then the tab crashes in {browser}.",  # shared
        "Images in knowledge base articles are broken since the last release.",
        "Filters in {feature} ignore the date range I select.",
        "The unread counter shows {number} but there are no unread tickets.",
        "I've attached a screenshot of the console error (request id {request_id}).",
        "It happens in both {browser} and {browser}, so it doesn't look like a browser issue.",
        "Merging two tickets deletes the internal notes of one of them.",
        "Custom fields show up empty in the ticket sidebar although they have values.",
        "The chat widget doesn't load on our website {time_ago}.",
        "The SLA timer keeps running even after the ticket is solved.",
        "Search returns no results for tickets I know exist.",
        "Clearing the cache and logging out and in again didn't help.",
        "The {integration} sidebar app shows an error {error_code} inside the ticket.",  # shared
        "Drafts disappear when I switch to another ticket.",
    ),
    "how_to": (
        "How do I set up {feature} so that new tickets are assigned round-robin?",
        "Is there a way to {task}?",
        "Where can I find the setting for our business hours?",
        "Could you point me to the documentation for {feature}?",
        "I'm new to {product} and not sure how {feature} works.",
        "What's the best way to {task}?",
        "Is it possible to export all tickets from last quarter to CSV?",  # shared
        "How can I add a second email address to the shared inbox?",
        "How do I configure SSO with {idp}? The docs weren't clear to me.",  # shared
        "Can an agent belong to more than one team?",
        "What's the difference between a macro and an automation?",
        "How do I give a colleague admin rights?",
        "Our manager wants a weekly report of first response times, how can I schedule that?",
        "Do you have a guide for moving our data over from {competitor}?",  # shared
        "Can I change the language of the satisfaction survey?",
        "Is there a keyboard shortcut to jump to the next ticket?",
        "I read the help center article but I'm still confused by the {feature} settings.",
        "Can you walk me through connecting {integration}?",  # shared
        "How do views differ from filters?",
        "Where do I change the email signature for the whole team?",
        "can I {task}?",
        "Which plan do we need to {task}?",
    ),
    "feature_request": (
        "It would be great if {product} had {wish}.",
        "Please consider adding {wish}, we'd use it every day.",
        "Our team keeps asking for {wish}.",
        "{competitor} has this already and it's the one thing we miss since switching.",
        "Is {wish} on your roadmap?",
        "Right now we do this by hand in a spreadsheet, which takes hours every week.",
        "We'd happily pay for it as an add-on.",
        "Being able to {task} would save us a lot of time.",
        "I know this isn't a bug, just a suggestion.",
        "Ideally it would work in {feature} as well.",
        "Having {wish} would make {feature} much more useful for bigger teams.",
        "Could you add an option to export {feature} data on a schedule?",  # shared
        "It would help if SSO was available on the {plan} plan too.",  # shared
        "Please count our vote if there's a feature board.",
        "Let me know if you need more details about our use case.",
        "A native {integration} integration would be a big win for us.",  # shared
        "The current {feature} is fine but too limited for what we need.",
    ),
    "integrations": (
        "Our {integration} integration stopped syncing {time_ago}.",
        "The webhook to our endpoint fails with {http_error} although the endpoint works "
        "with curl.",
        "New tickets are no longer created from {integration} messages.",
        "When I try to connect {integration} I get an OAuth error: 'invalid_grant'.",
        "Our API token is rejected with 401 even though I generated it today.",
        "We hit the API rate limit during our nightly sync.",
        "The {integration} app shows 'disconnected' and reconnecting doesn't help.",
        "User provisioning via SCIM from {idp} fails for new hires.",  # shared
        "Fields mapped from {integration} arrive empty in {product}.",
        "Our Zapier zap that creates tickets from form submissions stopped triggering.",
        "Status changes in {integration} aren't reflected in the linked tickets anymore.",
        "Is there a sandbox to test the API without touching production data?",
        "The API returns {http_error} when we create tickets with attachments.",
        "SSO via {idp} works but the user's groups aren't synced to Helio.",  # shared
        "Our developer says the webhook payload changed format without notice.",
        "We connected {integration} to the wrong workspace and can't disconnect it.",
        "Comments from {integration} show up twice in the ticket.",
        "The API docs say the endpoint supports pagination but we only ever get 100 results.",
    ),
    "performance": (
        "Everything in {product} is extremely slow {time_ago}.",
        "Loading a single ticket takes {seconds} seconds.",
        "The reporting dashboard times out before it finishes loading.",
        "We see {http_error} gateway errors every few minutes.",
        "Is there an ongoing outage? The status page says all systems are operational.",
        "Chat messages arrive with up to a minute of delay, customers are leaving.",
        "Search takes {seconds} seconds or times out completely.",
        "The whole team is affected, not just me, on different networks.",
        "It's fine early in the morning but gets really slow around lunchtime.",
        "Switching between views freezes the browser for several seconds.",
        "API responses went from about 200 ms to over {seconds} seconds.",  # shared
        "Our agents handle maybe half the usual volume because of the lag.",
        "Bulk actions on more than {number} tickets spin forever.",
        "Exports of large reports never finish.",  # shared
        "I ran a speed test, our connection is fine.",
        "The inbox takes ages to refresh after each reply.",
        "Pages load slow in {browser} and the spinner never stops.",
    ),
    "data_import_export": (
        "Our CSV import of {rows} contacts fails with 'invalid column: {column}'.",
        "The import has been stuck at {pct}% for hours.",
        "The exported CSV shows broken characters for names with accents.",
        "We're migrating from {competitor} and need to bring over {rows} old tickets.",
        "The export only contains the first {number} rows.",
        "After the import we have duplicate contacts for every customer.",
        "How can we export all tickets including attachments as a full backup?",
        "The exported file {file} is empty even though the view shows tickets.",
        "Dates in the export are in US format, we need ISO dates.",
        "Custom field values were not imported, the column stays blank.",
        "We need a data export for a customer's GDPR access request.",  # shared
        "The scheduled export to our S3 bucket stopped arriving.",
        "I mapped the columns as the docs describe but the import skips every second row.",
        "Can you run the export for us? It keeps timing out on our side.",  # shared
        "Our finance team needs the ticket export with the billing account ID column.",  # shared
        "Please bulk-import the attached list of {number} agents.",
        "The {column} column is missing from {file}.",
    ),
    "security": (
        "We got an alert about a login from {country} that none of us made.",
        "A customer forwarded a phishing email pretending to be from Helio support.",
        "A developer pushed an API key to a public GitHub repo, please help us revoke it.",
        "There's an admin user in our workspace that nobody here recognises.",
        "We need the audit log of all logins and permission changes for the last {days} days.",
        "How do we enforce SSO via {idp} and block password logins for all agents?",  # shared
        "Our security team requires 2FA for every agent, can we enforce that?",  # shared
        "I'd like to report a possible XSS vulnerability in the knowledge base editor.",
        "Can you send us your latest SOC 2 report and pen test summary?",
        "We think an agent account was compromised, please end all of its sessions.",
        "What's your data retention policy, and can tickets be auto-deleted after {days} days?",
        "Our legal team asks whether customer data is stored in the EU.",
        "We need to restrict logins to our office IP range.",
        "Someone reset my password without me requesting it.",  # shared
        "Attachments from unknown senders contained malware, can you scan them?",
        "Please confirm whether we were affected by the incident in the news.",
    ),
    "cancellation": (
        "Please cancel our subscription at the end of this billing period.",
        "We've decided to move to {competitor}, so we won't renew.",
        "I'd like to downgrade from {plan} to Free.",
        "Please turn off auto-renewal, our contract ends in {month}.",
        "We'd like a refund for the remaining months since we stopped using {product}.",  # shared
        "Please delete our account and all its data once we've exported it.",  # shared
        "The product is good but too expensive for a team of our size.",
        "Our company is closing this team, so we no longer need the seats.",
        "I can't find the cancel button in the billing portal.",  # shared
        "Can you confirm that we won't be charged again?",  # shared
        "We only needed {product} for a seasonal project.",
        "Before we cancel, is there any discount you can offer?",
        "Please remove our card on file.",
        "We're consolidating tools and {product} didn't make the cut.",
        "We want to close the workspace for {company}.",
    ),
    "vague": (
        "It's not working the way it should.",
        "Something is wrong with our account.",
        "Can someone please look into this as soon as possible?",
        "I already contacted you about this last week and haven't heard back.",
        "This is the second time this has happened.",
        "Please call me back at {phone}.",
        "Nothing I try seems to help.",
        "I'm not sure who to ask about this.",
        "My colleague {colleague} has the same problem.",
        "See the attached screenshot.",
        "We really need this sorted out.",
        "It worked fine until recently.",
        "Could you check what is going on with our workspace?",
        "I don't really know how to describe it, it's just not right.",
        "Please advise.",
        "Following up on ticket {ticket_ref}.",
    ),
}

# Optional line about urgency, by the priority the customer picked.
URGENCY = {
    "low": ("Not urgent.", "Whenever you get a chance.", "Just curious.", "No rush."),
    "normal": ("It would be good to know soon.", "Thanks for looking into it."),
    "high": (
        "This affects several agents.", "We'd appreciate a quick response.",
        "Please prioritise this if possible.",
    ),
    "urgent": (
        "This is urgent, our whole support team is blocked.", "URGENT - please escalate.",
        "We need this fixed today.", "Customers are waiting on us, please hurry!!",
    ),
}

# Categories whose tickets sometimes quote the error code and request id the app showed.
TECHNICAL = ("bug_report", "integrations", "performance")



def load(seed: int, scale: float = 1.0) -> dict[str, pd.DataFrame]:
    """The synthetic source: ``N_TICKETS`` times ``scale`` tickets, generated from ``seed``.

    Returns
    -------
    dict of str to DataFrame
        ``{"tickets": frame}`` with the columns of :func:`generate_tickets`.
    """
    return {"tickets": generate_tickets(round(N_TICKETS * scale), seed)}


def generate_tickets(n: int, seed: int) -> pd.DataFrame:
    """Generate ``n`` labelled helpdesk tickets, ordered by creation time.

    Parameters
    ----------
    n : int
        Number of tickets.
    seed : int
        Seed of the only random generator used; the same seed gives identical output.

    Returns
    -------
    DataFrame
        One row per ticket, all columns strings: ``created_at`` (ISO-8601 UTC), ``channel``,
        ``product_area``, ``customer_plan``, ``priority``, ``subject``, ``body`` and the
        queue label ``category`` (of which exactly ``round(LABEL_NOISE * n)`` are wrong).
    """
    rng = np.random.default_rng(seed)
    category = rng.choice(len(CATEGORIES), size=n, p=list(CATEGORY_SHARES.values()))
    plan_mix = {name: _normalise(np.multiply(PLAN_BASE, PLAN_TILT[name])) for name in CATEGORIES}
    area_mix = {name: _area_probabilities(name) for name in CATEGORIES}
    plan = _draw_by_category(category, plan_mix, PLANS, rng)
    channel = _draw_by_category(category, CHANNEL_MIX, CHANNELS, rng)
    area = _draw_by_category(category, area_mix, PRODUCT_AREAS, rng)
    priority = _draw_by_category(category, PRIORITY_MIX, PRIORITIES, rng)
    created = _created_at(category, rng)

    style = np.array(STYLES)[
        rng.choice(len(STYLES), size=n, p=[1 - MIXED_SHARE - VAGUE_SHARE, MIXED_SHARE, VAGUE_SHARE])
    ]
    draws = Draws(rng)
    subjects, bodies = [], []
    for i in range(n):
        subject, body = _write_ticket(
            CATEGORIES[category[i]], style[i], channel[i], plan[i], priority[i], draws
        )
        subjects.append(subject)
        bodies.append(body)

    label = _relabel(category, rng)
    tickets = pd.DataFrame(
        {
            "created_at": created,
            "channel": channel,
            "product_area": area,
            "customer_plan": plan,
            "priority": priority,
            "subject": subjects,
            "body": bodies,
            "category": np.array(CATEGORIES, dtype=object)[label],
        }
    )
    order = np.argsort(created, kind="stable")
    return tickets.iloc[order].reset_index(drop=True)[COLUMNS]


class _Filler(dict):
    """Template context: the ticket's fixed facts, and a fresh random filler for any other slot.

    ``str.format_map`` looks every ``{slot}`` up here; unknown slots are expanded from
    ``SLOTS`` (recursively, as fillers may hold slots themselves) and not cached, so two
    ``{browser}`` slots in one sentence may name two browsers.
    """

    def __init__(self, facts: dict[str, str], draws: Draws) -> None:
        super().__init__(facts)
        self.draws = draws

    def __missing__(self, slot: str) -> str:
        filler = SLOTS[slot]
        if callable(filler):
            return filler(self.draws)
        return self.draws.pick(filler).format_map(self)

    def fill(self, template: str) -> str:
        return template.format_map(self)


def _write_ticket(
    category: str, style: str, channel: str, plan: str, priority: str, draws: Draws
) -> tuple[str, str]:
    """Subject and body of one ticket of ``category``, written in one of ``STYLES``."""
    first, last = draws.pick(FIRST_NAMES), draws.pick(LAST_NAMES)
    facts = {
        "first": first,
        "last": last,
        "company": f"{draws.pick(COMPANY_STEMS)} {draws.pick(COMPANY_SUFFIXES)}",
        "workspace": f"{draws.pick(COMPANY_STEMS).lower()}{draws.pick(('', '-support', 'hq'))}",
        "plan": plan.title(),
        "agent": draws.pick(AGENTS),
    }
    filler = _Filler(facts, draws)
    n_core = draws.pick((2, 2, 3, 3, 3, 4))
    if style == "clear":
        subject_from = category
        core = draws.sample(SENTENCES[category], n_core)
    elif style == "mixed":
        neighbour = draws.pick(NEIGHBOURS[category])
        own = draws.integer(1, n_core - 1)
        core = draws.sample(SENTENCES[category], own) + draws.sample(
            SENTENCES[neighbour], n_core - own
        )
        core = draws.sample(core, len(core))
        subject_from = draws.pick((category, neighbour))
    else:
        core = draws.sample(SENTENCES["vague"], n_core - 1)
        if draws.chance(VAGUE_HINT):
            core.insert(draws.integer(0, len(core)), draws.pick(SENTENCES[category]))
        subject_from = "vague" if draws.chance(1 - VAGUE_HINT) else category
    subject = _capitalise(filler.fill(draws.pick(SUBJECTS[subject_from])))
    lines = [_capitalise(filler.fill(sentence)) for sentence in core]
    if draws.chance(0.2):
        lines.insert(0, filler.fill("{context}"))
    if category in TECHNICAL and draws.chance(0.3):
        lines.append(filler.fill("Error: {error_code}, request id {request_id}."))
    if draws.chance(0.35):
        lines.append(draws.pick(URGENCY[priority]))
    body = _frame(channel, lines, filler, draws)
    if draws.chance(TYPO_RATE):
        body = _typo(body, draws)
    if priority == "urgent" and draws.chance(0.3):
        subject = f"URGENT: {subject}"
    return subject, body


def _frame(channel: str, lines: list[str], filler: _Filler, draws: Draws) -> str:
    """Wrap the core lines the way tickets from ``channel`` look in the helpdesk."""
    if channel == "chat":
        casual = draws.chance(0.5)
        turns = ["Chat transcript"]
        for position, line in enumerate(lines):
            turns.append(f"Visitor: {line.lower() if casual else line}")
            if position == 0 and len(lines) > 1:
                turns.append(f"Agent {filler['agent']}: {filler.fill('{agent_reply}')}")
        return "\n".join(turns)
    if channel == "phone":
        header = filler.fill("Call logged by {agent}. Caller: {first} {last}, {company}.")
        return f"{header}\nNotes: {' '.join(lines)}\n{filler.fill('{agent_note}')}"
    if channel == "api":
        return filler.fill("[Created via API by {api_source}]\n") + " ".join(lines)
    paragraphs = [" ".join(lines)]
    if channel == "email" or draws.chance(0.3):
        paragraphs.insert(0, filler.fill("{greeting}"))
        paragraphs.append(filler.fill("{closing}\n\n{signoff}"))
    elif draws.chance(0.5):
        paragraphs.append(filler.fill("{closing}"))
    return "\n\n".join(paragraphs)


def _capitalise(text: str) -> str:
    # Templates may open with a slot such as "{feature}", whose fillers are lower case.
    return text[:1].upper() + text[1:]


def _typo(text: str, draws: Draws) -> str:
    """Swap two adjacent letters somewhere in ``text``, as hurried typing does."""
    for _ in range(3):
        i = draws.integer(0, len(text) - 2)
        if text[i].isalpha() and text[i + 1].isalpha():
            return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text


def _relabel(category: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Give exactly ``round(LABEL_NOISE * n)`` tickets a different, uniformly drawn category."""
    label = category.copy()
    wrong = rng.choice(len(label), size=round(LABEL_NOISE * len(label)), replace=False)
    # A shift of 1..K-1 modulo K lands on every other category with equal probability.
    label[wrong] = (label[wrong] + rng.integers(1, len(CATEGORIES), size=len(wrong))) % len(
        CATEGORIES
    )
    return label


def _draw_by_category(
    category: np.ndarray,
    mix: Mapping[str, Sequence[float] | np.ndarray],
    values: tuple[str, ...],
    rng: np.random.Generator,
) -> np.ndarray:
    """For each ticket, one of ``values`` drawn with the probabilities of its category."""
    drawn = np.empty(len(category), dtype=object)
    for index, name in enumerate(CATEGORIES):
        rows = np.flatnonzero(category == index)
        drawn[rows] = np.array(values, dtype=object)[
            rng.choice(len(values), size=len(rows), p=_normalise(mix[name]))
        ]
    return drawn


def _area_probabilities(category: str) -> np.ndarray:
    named = np.array([AREA_MIX[category].get(area, 0.0) for area in PRODUCT_AREAS])
    return (1 - AREA_NOISE) * _normalise(named) + AREA_NOISE / len(PRODUCT_AREAS)


def _created_at(category: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """ISO-8601 UTC creation times whose day and hour follow each category's rhythm."""
    days = WINDOW_START + np.arange(WINDOW_DAYS)
    weekday = (days.astype("datetime64[D]").view("int64") - 4) % 7  # 1970-01-01 was a Thursday
    day_of_month = (days - days.astype("datetime64[M]")).astype(int) + 1
    in_outage = np.zeros(WINDOW_DAYS, dtype=bool)
    for start, length in OUTAGES:
        in_outage |= (days >= start) & (days < start + np.timedelta64(length, "D"))
    hour_load = _normalise(HOUR_LOAD)

    day = np.empty(len(category), dtype=np.int64)
    hour = np.empty(len(category), dtype=np.int64)
    for index, name in enumerate(CATEGORIES):
        rows = np.flatnonzero(category == index)
        around_the_clock = name in ROUND_THE_CLOCK
        load = np.take(WEEKDAY_LOAD_FLAT if around_the_clock else WEEKDAY_LOAD, weekday)
        if name == "billing":
            load = load * np.where(day_of_month <= BILLING_RUN_DAYS, BILLING_RUN_BOOST, 1.0)
        if name == "cancellation":
            month_end = day_of_month > _days_in_month(days) - MONTH_END_DAYS
            load = load * np.where(month_end, MONTH_END_BOOST, 1.0)
        if name == "performance":
            load = load * np.where(in_outage, OUTAGE_BOOST, 1.0)
        hours = 0.5 * hour_load + 0.5 / 24 if around_the_clock else hour_load
        day[rows] = rng.choice(WINDOW_DAYS, size=len(rows), p=_normalise(load))
        hour[rows] = rng.choice(24, size=len(rows), p=hours)
    seconds = hour * 3600 + rng.integers(0, 3600, size=len(category))
    stamps = days[day].astype("datetime64[s]") + seconds.astype("timedelta64[s]")
    return np.char.add(np.datetime_as_string(stamps, unit="s"), "Z").astype(object)


def _days_in_month(days: np.ndarray) -> np.ndarray:
    month = days.astype("datetime64[M]")
    return ((month + 1).astype("datetime64[D]") - month.astype("datetime64[D]")).astype(int)


def _normalise(weights: Sequence[float] | np.ndarray) -> np.ndarray:
    weights = np.asarray(weights, dtype=float)
    return weights / weights.sum()
