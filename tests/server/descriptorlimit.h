#pragma once
// While it lives, the process may open no more file descriptors (RLIMIT_NOFILE lowered to what is
// open now), so an accept() fails with EMFILE; the limit comes back when it goes.

#include <QDir>

#include <sys/resource.h>

class NoMoreDescriptors
{
public:
    NoMoreDescriptors()
    {
        m_ok = getrlimit(RLIMIT_NOFILE, &m_before) == 0;
        // The listing holds one descriptor of its own while it runs.
        const auto open =
            QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::NoDotAndDotDot | QDir::System).size();
        rlimit tight = m_before;
        tight.rlim_cur = rlim_t(open - 1);
        m_ok = m_ok && setrlimit(RLIMIT_NOFILE, &tight) == 0;
    }
    ~NoMoreDescriptors()
    {
        if (m_ok)
            setrlimit(RLIMIT_NOFILE, &m_before);
    }
    NoMoreDescriptors(const NoMoreDescriptors &) = delete;
    NoMoreDescriptors &operator=(const NoMoreDescriptors &) = delete;
    bool ok() const { return m_ok; }

private:
    rlimit m_before{};
    bool m_ok = false;
};
