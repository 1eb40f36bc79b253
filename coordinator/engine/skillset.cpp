#include "skillset.h"

#include <algorithm>
#include <bitset>

namespace sb {

void SkillSet::insert(int skill)
{
    const auto word = static_cast<std::size_t>(skill / 64);
    if (m_words.size() <= word)
        m_words.resize(word + 1, 0);
    m_words[word] |= quint64(1) << (skill % 64);
}

bool SkillSet::contains(int skill) const
{
    const auto word = static_cast<std::size_t>(skill / 64);
    return word < m_words.size() && (m_words[word] >> (skill % 64)) & 1;
}

bool SkillSet::containsAll(const SkillSet &other) const
{
    for (std::size_t i = 0; i < other.m_words.size(); ++i) {
        const quint64 mine = i < m_words.size() ? m_words[i] : 0;
        if ((other.m_words[i] & ~mine) != 0)
            return false;
    }
    return true;
}

int SkillSet::countShared(const SkillSet &other) const
{
    int n = 0;
    for (std::size_t i = 0; i < m_words.size() && i < other.m_words.size(); ++i)
        n += static_cast<int>(std::bitset<64>(m_words[i] & other.m_words[i]).count());
    return n;
}

bool SkillSet::isEmpty() const
{
    for (quint64 w : m_words) {
        if (w)
            return false;
    }
    return true;
}

int SkillSet::size() const
{
    int n = 0;
    for (quint64 w : m_words)
        n += static_cast<int>(std::bitset<64>(w).count());
    return n;
}

std::vector<int> SkillSet::toList() const
{
    std::vector<int> out;
    for (std::size_t i = 0; i < m_words.size(); ++i) {
        for (int b = 0; b < 64; ++b) {
            if ((m_words[i] >> b) & 1)
                out.push_back(static_cast<int>(i) * 64 + b);
        }
    }
    return out;
}

void SkillSet::trim()
{
    while (!m_words.empty() && m_words.back() == 0)
        m_words.pop_back();
}

namespace {
// The length without trailing zero words: what trim() would leave (compared without copying, as
// interning a conversation's skill set compares it with every interned set).
std::size_t trimmedSize(const std::vector<quint64> &words)
{
    std::size_t n = words.size();
    while (n > 0 && words[n - 1] == 0)
        --n;
    return n;
}
} // namespace

bool SkillSet::operator==(const SkillSet &other) const
{
    const std::size_t n = trimmedSize(m_words);
    return n == trimmedSize(other.m_words) && std::equal(m_words.begin(), m_words.begin() + static_cast<std::ptrdiff_t>(n), other.m_words.begin());
}

bool SkillSet::operator<(const SkillSet &other) const
{
    return std::lexicographical_compare(m_words.begin(), m_words.begin() + static_cast<std::ptrdiff_t>(trimmedSize(m_words)),
                                        other.m_words.begin(), other.m_words.begin() + static_cast<std::ptrdiff_t>(trimmedSize(other.m_words)));
}

} // namespace sb
