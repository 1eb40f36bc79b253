#pragma once
// An ordered set that also answers "how many elements come before this one" (a queue position)
// without walking the whole set: sorted blocks of bounded size. Insert, erase and rank cost
// O(log n + n/B) with a small constant; iteration is in order. Elements sit next to each other in
// memory, so a walk from the front touches few cache lines (the groups' availability indexes use
// it for that, the queues for rank).

#include <algorithm>
#include <cstddef>
#include <functional>
#include <iterator>
#include <vector>

namespace sb {

template<typename T, typename Less = std::less<T>>
class RankedSet
{
public:
    static constexpr std::size_t kBlock = 256;

    // A forward iterator over the elements in order. Invalidated by insert and erase.
    class const_iterator
    {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = T;
        using difference_type = std::ptrdiff_t;
        using pointer = const T *;
        using reference = const T &;

        const_iterator() = default;
        const T &operator*() const { return (*m_blocks)[m_block][m_index]; }
        const T *operator->() const { return &(*m_blocks)[m_block][m_index]; }
        const_iterator &operator++()
        {
            if (++m_index == (*m_blocks)[m_block].size()) {
                ++m_block;
                m_index = 0;
            }
            return *this;
        }
        bool operator==(const const_iterator &o) const { return m_block == o.m_block && m_index == o.m_index; }
        bool operator!=(const const_iterator &o) const { return !(*this == o); }

    private:
        friend class RankedSet;
        const_iterator(const std::vector<std::vector<T>> *blocks, std::size_t block, std::size_t index)
            : m_blocks(blocks), m_block(block), m_index(index)
        {
            if (m_block < m_blocks->size() && m_index == (*m_blocks)[m_block].size()) {
                ++m_block;
                m_index = 0;
            }
        }
        const std::vector<std::vector<T>> *m_blocks = nullptr;
        std::size_t m_block = 0;
        std::size_t m_index = 0;
    };

    const_iterator begin() const { return const_iterator(&m_blocks, 0, 0); }
    const_iterator end() const { return const_iterator(&m_blocks, m_blocks.size(), 0); }

    // The first element not less than value / greater than value.
    const_iterator lowerBound(const T &value) const { return bound(value, false); }
    const_iterator upperBound(const T &value) const { return bound(value, true); }

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
    const_iterator bound(const T &value, bool upper) const
    {
        if (m_blocks.empty())
            return end();
        const std::size_t b = upper ? blockAfter(value) : blockFor(value);
        if (b == m_blocks.size())
            return end();
        const auto &block = m_blocks[b];
        auto it = upper ? std::upper_bound(block.begin(), block.end(), value, m_less)
                        : std::lower_bound(block.begin(), block.end(), value, m_less);
        return const_iterator(&m_blocks, b, static_cast<std::size_t>(it - block.begin()));
    }

    // The first block whose last element is greater than value (m_blocks.size() if none).
    std::size_t blockAfter(const T &value) const
    {
        std::size_t lo = 0, hi = m_blocks.size();
        while (lo < hi) {
            const std::size_t mid = (lo + hi) / 2;
            if (!m_less(value, m_blocks[mid].back()))
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo;
    }

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
