// ApiError: a request the server refuses, with the HTTP status and the
// OpenAI-style error object clients expect:
//   {"error": {"message": ..., "type": ..., "param": ..., "code": ...}}
// Request parsing throws it; the routes catch it once and reply.
#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace Hearth::Server {

class ApiError : public std::runtime_error {
public:
    ApiError(int status, std::string message, std::string type = "invalid_request_error", std::string param = {},
             std::string code = {});

    int status() const { return m_status; }
    const std::string & type() const { return m_type; }
    const std::string & param() const { return m_param; }
    const std::string & code() const { return m_code; }

    nlohmann::json toJson() const;

    // 400 invalid_request_error naming the offending parameter.
    static ApiError invalid(const std::string & param, const std::string & message);

private:
    int m_status;
    std::string m_type;
    std::string m_param;
    std::string m_code;
};

}  // namespace Hearth::Server
