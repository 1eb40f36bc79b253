#pragma once
// An ordered set that also answers "how many elements come before this one" (a queue position)
// without walking the whole set: sorted blocks of bounded size. Insert, erase and rank cost
// O(log n + n/B) with a small constant; iteration is in order.

#include <algorithm>
#include <cstddef>
#include <functional>
#include <vector>

namespace sb {

template<typename T, typename Less = std::less<T>>
class RankedSet
{
public:
    static constexpr std::size_t kBlock = 256;

    std::size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }
    const T &front() const { return m_blocks.front().front(); }

    bool insert(const T &value)
    {
        if (m_blocks.empty()) {
            m_blocks.push_back({value});
            ++m_size;
            return true;
        }
        auto b = blockFor(value);
        auto &block = m_blocks[b];
        auto it = std::lower_bound(block.begin(), block.end(), value, m_less);
        if (it != block.end() && !m_less(value, *it))
            return false; // already present
        block.insert(it, value);
        ++m_size;
        if (block.size() > 2 * kBlock) {
            std::vector<T> upper(block.begin() + kBlock, block.end());
            block.resize(kBlock);
            m_blocks.insert(m_blocks.begin() + static_cast<std::ptrdiff_t>(b) + 1, std::move(upper));
        }
        return true;
    }

    bool erase(const T &value)
    {
        if (m_blocks.empty())
            return false;
        auto b = blockFor(value);
        auto &block = m_blocks[b];
        auto it = std::lower_bound(block.begin(), block.end(), value, m_less);
        if (it == block.end() || m_less(value, *it))
            return false;
        block.erase(it);
        --m_size;
        if (block.empty())
            m_blocks.erase(m_blocks.begin() + static_cast<std::ptrdiff_t>(b));
        return true;
    }

    bool contains(const T &value) const
    {
        if (m_blocks.empty())
            return false;
        const auto &block = m_blocks[blockFor(value)];
        auto it = std::lower_bound(block.begin(), block.end(), value, m_less);
        return it != block.end() && !m_less(value, *it);
    }

    // Number of elements strictly less than value.
    std::size_t rank(const T &value) const
    {
        std::size_t n = 0;
        for (const auto &block : m_blocks) {
            if (block.empty())
                continue;
            if (m_less(block.back(), value)) {
                n += block.size();
                continue;
            }
            n += static_cast<std::size_t>(std::lower_bound(block.begin(), block.end(), value, m_less) - block.begin());
            break;
        }
        return n;
    }

    // Calls f(element) in order until f returns false.
    template<typename F>
    void forEach(F f) const
    {
        for (const auto &block : m_blocks) {
            for (const auto &v : block) {
                if (!f(v))
                    return;
            }
        }
    }

    template<typename F>
    void forEachFrom(const T &start, F f) const
    {
        if (m_blocks.empty())
            return;
        for (std::size_t b = blockFor(start); b < m_blocks.size(); ++b) {
            const auto &block = m_blocks[b];
            auto it = std::lower_bound(block.begin(), block.end(), start, m_less);
            for (; it != block.end(); ++it) {
                if (!f(*it))
                    return;
            }
        }
    }

private:
    // The first block whose last element is not less than value (or the last block).
    std::size_t blockFor(const T &value) const
    {
        std::size_t lo = 0, hi = m_blocks.size() - 1;
        while (lo < hi) {
            const std::size_t mid = (lo + hi) / 2;
            if (m_less(m_blocks[mid].back(), value))
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo;
    }

    std::vector<std::vector<T>> m_blocks;
    std::size_t m_size = 0;
    Less m_less;
};

} // namespace sb
