#pragma once
// The demo site (resources/demo/site.json, compiled into sb_simulator): what the live demo, the
// desktop's "host on this computer" demo and the wire-traffic tests run, from one source.

#include "siteconfig.h"

#include <QByteArray>
#include <QJsonArray>
#include <QString>
#include <optional>

namespace sb {

// The site as JSON, exactly as shipped.
QByteArray demoSiteJson();
// Parsed. Fails only if the shipped file is broken; *error (if given) then says where.
std::optional<SiteConfig> demoSite(QString *error = nullptr);
// The seeded agents' logins, in the site's order (each needs a password: see DemoSetup).
QStringList demoAgentLogins();
// The demo's quick replies (the site file's "quickReplies": category, title, text, channel), for an
// administrator to create with quickreply.save.
QJsonArray demoQuickReplies();

} // namespace sb
