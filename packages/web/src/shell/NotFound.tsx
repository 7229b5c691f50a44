import { Stack, Text, Title } from '@mantine/core';
import { AnchorLink } from '../components/links';

export function NotFound() {
  return (
    <Stack p="xl">
      <Title order={1}>Not found</Title>
      <Text>There is no page at this address.</Text>
      <AnchorLink to="/">Go to the fleet dashboard</AnchorLink>
    </Stack>
  );
}
