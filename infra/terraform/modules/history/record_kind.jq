{kind: (
  if has("detail-type") then "contact_event"
  elif has("AWSContactTraceRecordFormatVersion") then "ctr"
  elif has("EventType") or has("AgentARN") then "agent_event"
  elif has("ContactId") then "ctr"
  else "unknown"
  end
)}
