#pragma once
// A set of skills as a bit set over the site's skill catalogue: subset tests in a few word
// operations, which the hot routing path does for every candidate.

#include <QtGlobal>
#include <vector>

namespace sb {

class SkillSet
{
public:
    void insert(int skill);
    bool contains(int skill) const;
    bool containsAll(const SkillSet &other) const;
    int countShared(const SkillSet &other) const;
    bool isEmpty() const;
    int size() const;
    std::vector<int> toList() const;
    bool operator==(const SkillSet &other) const;
    bool operator!=(const SkillSet &other) const { return !(*this == other); }
    bool operator<(const SkillSet &other) const;

private:
    void trim();
    std::vector<quint64> m_words;
};

} // namespace sb
