#pragma once
// The store's schema as an ordered list of migrations; schema.cpp documents every table.

#include <QString>
#include <QStringList>
#include <vector>

namespace sb {

// One schema version: SQL steps applied in order, in one transaction, together with the row in
// schema_version that records it. A shipped migration is never edited; a change is a new version.
struct Migration
{
    int version = 0;
    QString name;
    QStringList steps;
    // The steps drop and recreate tables that others reference: they run with foreign keys off (or
    // dropping a table would cascade its deletes), and the migration fails unless
    // PRAGMA foreign_key_check finds nothing before the commit.
    bool rebuildsTables = false;
};

namespace schema {
// Every version this build knows, from 1 upwards without gaps.
const std::vector<Migration> &migrations();
int latestVersion();
} // namespace schema

} // namespace sb
